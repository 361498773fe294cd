"""The knowledge base: publishing an answered question, anonymised, and searching it.

Why LIKE over a plain-text column rather than a full-text index: a few hundred entries, Chinese
has no spaces for a tokenizer, and one- and two-character queries (题名, 丛) must match anywhere.
`search_text` is the lower-cased plain text of title, question and answer, written on publishing.
Each word of the query must occur; `%` and `_` in the query match themselves (`autoescape`), on
SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import html
import re

import nh3
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import audit
from app.core.errors import DomainError, NotFound
from app.core.markdown import render_markdown
from app.core.types import utcnow
from app.extensions import db
from app.permissions import EXPERT, require

from .faq_models import FaqEntry
from .models import ConsultQuestion

MAX_QUERY = 100
_SPACE = re.compile(r"\s+")


def plain(markdown: str | None) -> str:
    text = html.unescape(nh3.clean(str(render_markdown(markdown)), tags=set()))
    return _SPACE.sub(" ", text).strip()


def draft_for(q: ConsultQuestion) -> dict:
    """The texts the publish form starts from: the question and the latest answer."""
    answers = [m.body for m in q.messages if m.kind == "answer"]
    return {"title": q.title, "question_text": q.body, "answer_text": answers[-1] if answers else ""}


def _identifying(q: ConsultQuestion) -> list[str]:
    names = [q.asker.name if q.asker else None, q.asker.email if q.asker else None]
    if q.library is not None:
        names += [q.library.name_zh, q.library.name_en, q.library.code]
    return [n for n in names if n and len(n) >= 2]


def publish(user, q: ConsultQuestion, title: str, question_text: str, answer_text: str,
            commit: bool = True) -> FaqEntry:
    require(EXPERT, user, message=_l("Only the experts publish to the knowledge base."))
    if q.first_answered_at is None:
        raise DomainError(_l("Only an answered question can be published."))
    values = {"title": (title or "").strip(), "question_text": (question_text or "").strip(),
              "answer_text": (answer_text or "").strip()}
    for field, text in values.items():
        if not text:
            raise DomainError(_l("Write something."), field)
        for name in _identifying(q):
            if name.lower() in text.lower():
                raise DomainError(_l("Remove “%(name)s”: the knowledge base names neither the asker nor the library.",
                                     name=name), field)
    if len(values["title"]) > 200:
        raise DomainError(_l("At most %(n)d characters.", n=200), "title")
    entry = db.session.scalar(select(FaqEntry).where(FaqEntry.question_id == q.id))
    if entry is None:
        entry = FaqEntry(question_id=q.id)
        db.session.add(entry)
    entry.category, entry.language_group = q.category, q.language_group
    entry.title, entry.question_text, entry.answer_text = values["title"], values["question_text"], values["answer_text"]
    entry.search_text = " ".join([entry.title, plain(entry.question_text), plain(entry.answer_text)]).lower()
    entry.published_by_id, entry.published_at = user.id, utcnow()
    db.session.flush()
    audit.record(user, "consult.published", q, faq_id=entry.id)
    if commit:
        db.session.commit()
    return entry


def get_entry(faq_id: int) -> FaqEntry:
    e = db.session.get(FaqEntry, faq_id)
    if e is None:
        raise NotFound(_l("No such entry."))
    return e


def entry_for(q: ConsultQuestion) -> FaqEntry | None:
    return db.session.scalar(select(FaqEntry).where(FaqEntry.question_id == q.id))


def terms(query: str | None) -> list[str]:
    return [t.lower() for t in (query or "")[:MAX_QUERY].split()][:10]


def search(query: str | None = None, category: str | None = None, limit: int = 200) -> list[FaqEntry]:
    """Entries containing every word of `query` (all of them without one), newest first."""
    q = select(FaqEntry)
    for w in terms(query):
        q = q.where(FaqEntry.search_text.contains(w, autoescape=True))
    if category:
        q = q.where(FaqEntry.category == category)
    return db.session.scalars(q.order_by(FaqEntry.published_at.desc(), FaqEntry.id.desc()).limit(limit)).all()
