"""A question to the desk, its thread of messages and its attachments.

The whole thread is kept: every step (question, answer, asking back, follow-up, note, reassignment,
escalation) is a message with its author, so the page shows what happened and in what order.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

CATEGORIES = ("cnmarc", "marc21", "rules", "subject_clc", "authority", "policy", "system")
LANGUAGE_GROUPS = ("chinese", "western", "japanese", "russian", "other", "all")
# open: waits for an expert; waiting: the expert asked back, waits for the asker;
# answered: the asker may follow up or close; closed: done.
STATUSES = ("open", "waiting", "answered", "closed")
MESSAGE_KINDS = ("question", "answer", "ask_back", "follow_up", "note", "reassign", "escalation")


class ConsultQuestion(db.Model):
    __tablename__ = "consult_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("libraries.id"))
    category: Mapped[str] = mapped_column(String(16), index=True)
    language_group: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)                       # Markdown
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    marc_text: Mapped[str | None] = mapped_column(Text)           # MarcMaker, as pasted
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Since when an expert owes an answer (set on asking and on each follow-up; None once answered).
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_from_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_answer_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rating: Mapped[int | None]                                    # 1–5, given by the asker
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    asker = relationship("User", foreign_keys=[asker_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    library = relationship("Library")
    messages: Mapped[list[ConsultMessage]] = relationship(
        back_populates="question", order_by="ConsultMessage.id", cascade="all, delete-orphan")
    attachments: Mapped[list[ConsultAttachment]] = relationship(
        back_populates="question", order_by="ConsultAttachment.id", cascade="all, delete-orphan")


class ConsultMessage(db.Model):
    __tablename__ = "consult_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("consult_questions.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))   # None: the system (escalation)
    kind: Mapped[str] = mapped_column(String(12))
    body: Mapped[str] = mapped_column(Text, default="")           # Markdown
    target_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))   # reassign / escalation: to whom
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    question: Mapped[ConsultQuestion] = relationship(back_populates="messages")
    author = relationship("User", foreign_keys=[author_id])
    target = relationship("User", foreign_keys=[target_id])


class ConsultAttachment(db.Model):
    __tablename__ = "consult_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("consult_questions.id"), index=True)
    filename: Mapped[str] = mapped_column(String(120))
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    question: Mapped[ConsultQuestion] = relationship(back_populates="attachments")
