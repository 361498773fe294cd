"""The rules of the desk: asking, answering, asking back, following up, reassigning, closing.

A question is seen by its asker, by the experts (both panels) and by the centre administrators;
by nobody else, not even colleagues of the asker's library. Every transition is audited and leaves
a message in the thread.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts import audit
from app.accounts.models import User
from app.catalog.editor import parse
from app.catalog.models import Record
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.permissions import CATALOGUER, CENTRE_ADMIN, EXPERT, require

from . import attachments, notices, routing
from .models import CATEGORIES, LANGUAGE_GROUPS, ConsultMessage, ConsultQuestion

ASK = CATALOGUER
ANSWER = EXPERT
STAFF = (EXPERT | CENTRE_ADMIN).named("consult_staff")
MAX_BODY = 20_000


def may_view(user, q: ConsultQuestion) -> bool:
    return getattr(user, "is_authenticated", False) and (q.asker_id == user.id or STAFF(user))


def get_question(user, question_id: int) -> ConsultQuestion:
    q = db.session.get(ConsultQuestion, question_id)
    if q is None:
        raise NotFound(_l("No such question."))
    if not may_view(user, q):
        raise PermissionDenied(_l("This question is visible only to its asker and the experts."))
    return q


def _text(body: str | None, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write something."), field)
    if len(body) > MAX_BODY:
        raise DomainError(_l("At most %(n)d characters.", n=MAX_BODY), field)
    return body


def _check_rate(user) -> None:
    """Askers post at most CONSULT_MESSAGES_PER_MINUTE messages (questions, follow-ups) a minute."""
    limit = int(current_app.config.get("CONSULT_MESSAGES_PER_MINUTE", 5))
    recent = db.session.scalar(select(func.count(ConsultMessage.id)).where(
        ConsultMessage.author_id == user.id, ConsultMessage.kind.in_(("question", "follow_up")),
        ConsultMessage.created_at >= utcnow() - timedelta(minutes=1))) or 0
    if recent >= limit:
        raise DomainError(_l("You have sent %(n)d messages in the last minute. Please wait a moment.", n=limit), "body")


def _message(q, author, kind, body="", target=None) -> ConsultMessage:
    m = ConsultMessage(question=q, author_id=getattr(author, "id", None), kind=kind, body=body,
                       target_id=getattr(target, "id", None))
    db.session.add(m)
    q.updated_at = utcnow()
    return m


def ask(user, *, category: str, language_group: str, title: str, body: str, record_id: int | None = None,
        marc_text: str | None = None, files: list[tuple[str | None, bytes]] = (), commit: bool = True
        ) -> ConsultQuestion:
    require(ASK, user, message=_l("Only a cataloguer of an active member library may ask the desk."))
    if category not in CATEGORIES:
        raise DomainError(_l("Choose a category."), "category")
    if language_group not in LANGUAGE_GROUPS:
        raise DomainError(_l("Choose a language group."), "language_group")
    title = (title or "").strip()
    if not title:
        raise DomainError(_l("Give the question a title."), "title")
    if len(title) > 200:
        raise DomainError(_l("At most %(n)d characters.", n=200), "title")
    body = _text(body)
    _check_rate(user)
    if record_id is not None:
        row = db.session.get(Record, record_id)
        if row is None or row.status not in ("active", "review"):
            raise DomainError(_l("There is no catalogue record %(id)s.", id=record_id), "record_id")
    marc_text = (marc_text or "").replace("\r\n", "\n").strip("\n") or None
    if marc_text is not None:
        parsed = parse(marc_text, check=False)
        if parsed.record is None:
            m = parsed.messages[0]
            raise DomainError(_l("The MARC text cannot be read: %(msg)s", msg=m.zh), "marc_text")
    checked = attachments.check(list(files))
    now = utcnow()
    q = ConsultQuestion(asker_id=user.id, library_id=user.library_id, category=category,
                        language_group=language_group, title=title, body=body, record_id=record_id,
                        marc_text=marc_text, status="open", waiting_since=now, created_at=now, updated_at=now)
    db.session.add(q)
    db.session.add_all(attachments.build(q, user, checked))
    _message(q, user, "question", body)
    expert, why = routing.route(category)
    q.assignee_id = expert.id if expert else None
    db.session.flush()
    audit.record(user, "consult.asked", q, category=category, assignee_id=q.assignee_id, routed=why,
                 record_id=record_id, attachments=[a.sha256 for a in q.attachments] or None)
    if expert is not None:
        notices.tell(expert, "assigned", f"新咨询：{title}", q.id)
    if commit:
        db.session.commit()
    return q


def _expert_step(user, q: ConsultQuestion) -> None:
    require(ANSWER, user, message=_l("Only the experts answer the desk's questions."))
    if q.status == "closed":
        raise DomainError(_l("The question is closed."))


def answer(user, q: ConsultQuestion, body: str, kind: str = "answer", commit: bool = True) -> ConsultMessage:
    """kind: answer (the asker may follow up or close), ask_back (waits for the asker), note (experts only)."""
    _expert_step(user, q)
    if kind not in ("answer", "ask_back", "note"):
        raise DomainError(_l("Unknown kind of reply."), "kind")
    body = _text(body)
    m = _message(q, user, kind, body)
    if kind != "note":
        if q.assignee_id is None:
            q.assignee_id = user.id
        now = utcnow()
        q.status = "answered" if kind == "answer" else "waiting"
        q.waiting_since = None
        if kind == "answer" and q.first_answered_at is None:
            q.first_answered_at, q.first_answer_by_id = now, user.id
        text = f"专家已答复：{q.title}" if kind == "answer" else f"专家需要您补充信息：{q.title}"
        notices.tell(q.asker, kind, text, q.id)
    db.session.flush()
    audit.record(user, f"consult.{kind}", q, message_id=m.id, status=q.status)
    if commit:
        db.session.commit()
    return m


def reassign(user, q: ConsultQuestion, to_user_id: int | None, note: str, commit: bool = True) -> None:
    _expert_step(user, q)
    target = db.session.get(User, to_user_id) if to_user_id else None
    if target is None or not EXPERT(target):
        raise DomainError(_l("Choose an expert of either panel."), "expert")
    if target.id == q.assignee_id:
        raise DomainError(_l("The question is already with %(name)s.", name=target.name), "expert")
    note = _text(note, "note")
    before = q.assignee_id
    q.assignee_id = target.id
    _message(q, user, "reassign", note, target=target)
    audit.record(user, "consult.reassigned", q, reason=note, from_id=before, to_id=target.id)
    notices.tell(target, "assigned", f"转给您的咨询：{q.title}", q.id)
    if commit:
        db.session.commit()


def _asker_step(user, q: ConsultQuestion) -> None:
    if user is None or q.asker_id != user.id:
        raise PermissionDenied(_l("Only the asker can do this."))
    if q.status == "closed":
        raise DomainError(_l("The question is closed."))


def follow_up(user, q: ConsultQuestion, body: str, files=(), commit: bool = True) -> ConsultMessage:
    _asker_step(user, q)
    body = _text(body)
    _check_rate(user)
    checked = attachments.check(list(files))
    if len(q.attachments) + len(checked) > attachments.MAX_FILES:
        raise DomainError(_l("At most %(n)d files.", n=attachments.MAX_FILES), "attachments")
    db.session.add_all(attachments.build(q, user, checked))
    m = _message(q, user, "follow_up", body)
    q.status, q.waiting_since = "open", utcnow()
    db.session.flush()
    audit.record(user, "consult.follow_up", q, message_id=m.id)
    if q.assignee is not None:
        notices.tell(q.assignee, "follow_up", f"提问人补充了问题：{q.title}", q.id)
    if commit:
        db.session.commit()
    return m


def close(user, q: ConsultQuestion, rating: int | None = None, commit: bool = True) -> None:
    _asker_step(user, q)
    if rating is not None and not 1 <= rating <= 5:
        raise DomainError(_l("A rating is 1 to 5."), "rating")
    q.status, q.closed_at, q.waiting_since, q.rating = "closed", utcnow(), None, rating
    q.updated_at = utcnow()
    audit.record(user, "consult.closed", q, rating=rating)
    if commit:
        db.session.commit()


def mine(user) -> list[ConsultQuestion]:
    return db.session.scalars(select(ConsultQuestion).where(ConsultQuestion.asker_id == user.id)
                              .order_by(ConsultQuestion.updated_at.desc())).all()


def queue(user) -> dict[str, list[ConsultQuestion]]:
    """An expert's view: their own open work, the unassigned questions, and everything else open."""
    require(STAFF, user)
    active = select(ConsultQuestion).where(ConsultQuestion.status != "closed").order_by(ConsultQuestion.created_at)
    rows = db.session.scalars(active).all()
    return {"mine": [q for q in rows if q.assignee_id == user.id],
            "unassigned": [q for q in rows if q.assignee_id is None],
            "others": [q for q in rows if q.assignee_id not in (None, user.id)]}

