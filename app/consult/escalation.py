"""Questions an expert has owed an answer for N working days go to the panel lead (run from cron).

`waiting_since` is set when a question is asked or followed up and cleared by an answer or an
asking back, so the clock measures the expert's silence only. A question escalates once per wait.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import or_, select

from app.accounts import audit
from app.accounts.models import User
from app.accounts.roles import holders
from app.core.types import utcnow
from app.extensions import db

from . import notices, routing
from .models import ConsultMessage, ConsultQuestion
from .workdays import add_working_days, local_date


def working_days() -> int:
    return int(current_app.config.get("CONSULT_ESCALATE_WORKING_DAYS", 2))


def due(now: datetime | None = None) -> list[ConsultQuestion]:
    now = now or utcnow()
    n = working_days()
    rows = db.session.scalars(select(ConsultQuestion).where(
        ConsultQuestion.status == "open", ConsultQuestion.waiting_since.is_not(None),
        or_(ConsultQuestion.escalated_at.is_(None), ConsultQuestion.escalated_at < ConsultQuestion.waiting_since),
    ).order_by(ConsultQuestion.id)).all()
    return [q for q in rows if add_working_days(q.waiting_since, n) <= now]


def escalate_due(now: datetime | None = None) -> list[ConsultQuestion]:
    """Escalate every overdue question; commits. Returns the questions escalated."""
    now = now or utcnow()
    done = []
    for q in due(now):
        lead = routing.lead_for(q.category, local_date(now))
        before = q.assignee_id
        q.escalated_at, q.escalated_from_id = now, before
        if lead is not None:
            q.assignee_id = lead.id
        db.session.add(ConsultMessage(question=q, author_id=None, kind="escalation", target_id=getattr(lead, "id", None),
                                      body=f"{working_days()} 个工作日未答复，已升级至专家组组长。"))
        audit.record(None, "consult.escalated", q, from_id=before, to_id=getattr(lead, "id", None),
                     waiting_since=q.waiting_since.isoformat())
        # No lead this week: the centre administrators are told instead, so it is never silent.
        for person in ([lead] if lead is not None else holders("centre_admin")):
            notices.tell(person, "escalated", f"咨询超时未答复，已升级：{q.title}", q.id)
        if before is not None and before != getattr(lead, "id", None):
            prev = db.session.get(User, before)
            notices.tell(prev, "escalated", f"您名下的咨询已升级至组长：{q.title}", q.id)
        done.append(q)
    db.session.commit()
    return done
