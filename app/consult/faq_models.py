"""The public knowledge base: anonymised copies of answered questions, edited by an expert.

The original question stays private; an entry holds only the text the expert chose to publish.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class FaqEntry(db.Model):
    __tablename__ = "consult_faq"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("consult_questions.id"), unique=True)
    category: Mapped[str] = mapped_column(String(16), index=True)
    language_group: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    question_text: Mapped[str] = mapped_column(Text)       # Markdown
    answer_text: Mapped[str] = mapped_column(Text)         # Markdown
    # Lower-cased plain text of title, question and answer, searched with LIKE (see faq.py).
    search_text: Mapped[str] = mapped_column(Text, default="")
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
