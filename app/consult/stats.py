"""An expert's own figures: answered, median time to a first answer, open, escalated."""
from __future__ import annotations

from datetime import timedelta
from statistics import median

from sqlalchemy import func, select

from app.extensions import db

from .models import ConsultMessage, ConsultQuestion


def for_expert(user_id: int) -> dict:
    answered = db.session.scalar(select(func.count(func.distinct(ConsultMessage.question_id))).where(
        ConsultMessage.author_id == user_id, ConsultMessage.kind == "answer")) or 0
    firsts = db.session.execute(select(ConsultQuestion.created_at, ConsultQuestion.first_answered_at).where(
        ConsultQuestion.first_answer_by_id == user_id)).all()
    waits = [(b - a).total_seconds() for a, b in firsts if a and b]
    open_ = db.session.scalar(select(func.count(ConsultQuestion.id)).where(
        ConsultQuestion.assignee_id == user_id, ConsultQuestion.status.in_(("open", "waiting")))) or 0
    escalated = db.session.scalar(select(func.count(ConsultQuestion.id)).where(
        ConsultQuestion.escalated_from_id == user_id)) or 0
    return {"answered": answered, "median_first_answer": timedelta(seconds=median(waits)) if waits else None,
            "open": open_, "escalated": escalated}


def hours(delta: timedelta | None) -> str:
    if delta is None:
        return "—"
    h = delta.total_seconds() / 3600
    return f"{h:.1f}"
