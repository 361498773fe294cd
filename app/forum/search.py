"""Forum search: topic titles and post text, Chinese substrings of any length included.

Chinese is written without spaces, so a word index finds nothing useful and a one- or
two-character query (“题名”, “号”) must match inside words. At forum scale (thousands of posts)
a LIKE '%…%' over a lower-cased plain-text copy (Post.search_text, Topic.search_title) is simple,
exact and identical on SQLite and PostgreSQL: it scans, but over a few megabytes. The user's
% and _ are escaped so they match themselves. For a large forum, add on PostgreSQL a pg_trgm GIN
index (`CREATE INDEX … USING gin (search_text gin_trgm_ops)`), which serves the same LIKE for
queries of three or more characters; shorter ones still scan.
"""
from __future__ import annotations

from sqlalchemy import select, true

from app.extensions import db

from . import rules
from .models import Board, Post, Topic

QUERY_MAX = 100


def like_pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _norm(q: str | None) -> str:
    return " ".join((q or "").split())[:QUERY_MAX].lower()


def _board_filter(user):
    if getattr(user, "is_authenticated", False):
        return true()
    return Board.members_only.is_(False)


def search_topics(user, q: str | None, limit: int = 20) -> list[Topic]:
    q = _norm(q)
    if not q:
        return []
    stmt = (select(Topic).join(Board, Board.id == Topic.board_id)
            .where(Topic.search_title.like(like_pattern(q), escape="\\"), _board_filter(user)))
    if not rules.is_moderator(user):
        stmt = stmt.where(Topic.deleted_at.is_(None))
    return db.session.scalars(stmt.order_by(Topic.last_post_at.desc()).limit(limit)).all()


def snippet(post: Post, q: str | None, width: int = 160) -> str:
    """The post's plain text around the first match, as written (not lower-cased)."""
    from .render import plain_text

    text, q = plain_text(post.body), _norm(q)
    at = text.lower().find(q) if q else -1
    start = max(0, at - width // 3) if at >= 0 else 0
    cut = text[start:start + width]
    return ("…" if start else "") + cut + ("…" if start + width < len(text) else "")


def search_posts(user, q: str | None, page: int = 1, per_page: int = 20):
    """Posts whose text contains `q`, newest first, paginated; None for an empty query."""
    q = _norm(q)
    if not q:
        return None
    stmt = (select(Post).join(Topic, Topic.id == Post.topic_id).join(Board, Board.id == Topic.board_id)
            .where(Post.search_text.like(like_pattern(q), escape="\\"), _board_filter(user)))
    if not rules.is_moderator(user):
        stmt = stmt.where(Topic.deleted_at.is_(None), Post.hidden_at.is_(None), Post.deleted_at.is_(None))
    return db.paginate(stmt.order_by(Post.id.desc()), page=page, per_page=per_page, error_out=False)
