"""Full-text search over published issues, Chinese substrings included.

Why LIKE over a plain-text column rather than an engine's full-text index: the corpus is a few
hundred issues, Chinese has no spaces for a tokenizer to split on, and one- and two-character
queries (编目, 题名) must match anywhere. `search_text` holds the lower-cased plain text of the
titles and sections (Markdown rendered, then stripped of tags), written when the issue is
published — it never changes afterwards, since published issues are frozen. Each word of the
query must occur; `%`, `_` and the escape character in the query are escaped (`autoescape`), so
they match themselves on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import html
import re

import nh3
from sqlalchemy import select

from app.core.markdown import render_markdown
from app.extensions import db

from .models import Bulletin

MAX_QUERY = 100
PER_PAGE = 20
_SPACE = re.compile(r"\s+")


def plain(markdown: str | None) -> str:
    """What a reader sees of some Markdown, as one line of text."""
    text = html.unescape(nh3.clean(str(render_markdown(markdown)), tags=set()))
    return _SPACE.sub(" ", text).strip()


def text_of(b: Bulletin) -> str:
    parts = [b.title_zh, b.title_en or ""]
    for s in b.sections:
        parts += [s.title, plain(s.body)]
    return _SPACE.sub(" ", " ".join(parts)).strip().lower()


def terms(query: str | None) -> list[str]:
    return [t.lower() for t in (query or "")[:MAX_QUERY].split()][:10]


def search(query: str | None, limit: int = PER_PAGE, offset: int = 0) -> tuple[list[Bulletin], int]:
    """Published issues containing every word of `query`, newest first, and how many in all."""
    words = terms(query)
    if not words:
        return [], 0
    q = select(Bulletin).where(Bulletin.status == "published")
    for w in words:
        q = q.where(Bulletin.search_text.contains(w, autoescape=True))
    found = db.session.scalars(q.order_by(Bulletin.serial.desc())).all()
    return found[offset:offset + limit], len(found)


def snippet(b: Bulletin, query: str | None, width: int = 60) -> str:
    """A piece of the issue's text around the first word found (plain text: the page escapes it)."""
    words = terms(query)
    for s in b.sections:
        text = plain(s.body)
        low = text.lower()
        for w in words:
            i = low.find(w)
            if i >= 0:
                start = max(0, i - width // 2)
                return ("…" if start else "") + text[start:start + width + len(w)] + \
                    ("…" if start + width + len(w) < len(text) else "")
    return plain(b.sections[0].body)[:width] if b.sections else ""
