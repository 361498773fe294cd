"""The editorial workflow: trainers write drafts, submit them, and a second person publishes.

draft → in_review → published, or in_review → draft (returned with a note). Only drafts are
edited; a published issue is frozen (a correction goes into a later issue). The number is
given on publication (year of the issue date in Beijing time, number within that year, and a
running total), so published numbers are sequential with no gaps. Every change is audited.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts import audit
from app.core.errors import DomainError, NotFound
from app.core.types import utcnow
from app.extensions import db
from app.permissions import CENTRE_ADMIN, TRAINER, require

from . import search, subscriptions
from .models import SECTION_KINDS, Bulletin, BulletinSection

# Who writes, and who may publish (never the issue's author or submitter: a second pair of eyes).
WRITE_BULLETINS = TRAINER
PUBLISH_BULLETINS = (TRAINER | CENTRE_ADMIN).named("publish_bulletins")
EDITORIAL = PUBLISH_BULLETINS  # who sees unpublished issues
BEIJING = ZoneInfo("Asia/Shanghai")
MAX_BODY = 50_000


def get(bulletin_id: int) -> Bulletin:
    b = db.session.get(Bulletin, bulletin_id)
    if b is None:
        raise NotFound(_l("No such bulletin issue."))
    return b


def visible(user, b: Bulletin) -> bool:
    return b.status == "published" or EDITORIAL(user)


def get_visible(user, bulletin_id: int) -> Bulletin:
    """Unpublished issues do not exist for the public (404, not 403)."""
    b = get(bulletin_id)
    if not visible(user, b):
        raise NotFound(_l("No such bulletin issue."))
    return b


def get_section(section_id: int) -> BulletinSection:
    s = db.session.get(BulletinSection, section_id)
    if s is None:
        raise NotFound(_l("No such section."))
    return s


def _editable(actor, b: Bulletin) -> None:
    require(WRITE_BULLETINS, actor)
    if b.status == "published":
        raise DomainError(_l("A published issue is frozen; put a correction in a later issue."))
    if b.status != "draft":
        raise DomainError(_l("The issue is waiting for review; it can be edited once it is returned."))


def _touch(b: Bulletin, commit: bool) -> None:
    b.updated_at = utcnow()
    if commit:
        db.session.commit()


def _titles(title_zh: str, title_en: str | None) -> tuple[str, str | None]:
    title_zh = (title_zh or "").strip()
    if not title_zh:
        raise DomainError(_l("Give the issue a Chinese title."), "title_zh")
    if len(title_zh) > 200 or len(title_en or "") > 200:
        raise DomainError(_l("A title is at most 200 characters."), "title_zh")
    return title_zh, (title_en or "").strip() or None


def create(actor, title_zh: str, title_en: str | None = None, commit: bool = True) -> Bulletin:
    require(WRITE_BULLETINS, actor)
    title_zh, title_en = _titles(title_zh, title_en)
    b = Bulletin(title_zh=title_zh, title_en=title_en, status="draft", created_by_id=actor.id)
    db.session.add(b)
    db.session.flush()
    audit.record(actor, "bulletin.created", b, title=title_zh)
    _touch(b, commit)
    return b


def update(actor, b: Bulletin, title_zh: str, title_en: str | None = None, commit: bool = True) -> None:
    _editable(actor, b)
    b.title_zh, b.title_en = _titles(title_zh, title_en)
    audit.record(actor, "bulletin.updated", b, title=b.title_zh)
    _touch(b, commit)


def delete(actor, b: Bulletin, commit: bool = True) -> None:
    _editable(actor, b)
    audit.record(actor, "bulletin.deleted", b, title=b.title_zh)
    db.session.delete(b)
    if commit:
        db.session.commit()


def _section_values(kind: str, title: str, body: str | None) -> tuple[str, str, str]:
    if kind not in SECTION_KINDS:
        raise DomainError(_l("Choose the kind of section."), "kind")
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise DomainError(_l("Give the section a title (at most 200 characters)."), "title")
    body = body or ""
    if len(body) > MAX_BODY:
        raise DomainError(_l("A section is at most %(n)d characters.", n=MAX_BODY), "body")
    return kind, title, body


def add_section(actor, b: Bulletin, kind: str, title: str, body: str | None,
                commit: bool = True) -> BulletinSection:
    _editable(actor, b)
    kind, title, body = _section_values(kind, title, body)
    position = max((s.position for s in b.sections), default=0) + 1
    s = BulletinSection(bulletin=b, kind=kind, title=title, body=body, position=position)
    db.session.add(s)
    db.session.flush()
    audit.record(actor, "bulletin.section_added", b, section=s.id, kind=kind)
    _touch(b, commit)
    return s


def update_section(actor, s: BulletinSection, kind: str, title: str, body: str | None,
                   commit: bool = True) -> None:
    _editable(actor, s.bulletin)
    s.kind, s.title, s.body = _section_values(kind, title, body)
    audit.record(actor, "bulletin.section_updated", s.bulletin, section=s.id)
    _touch(s.bulletin, commit)


def delete_section(actor, s: BulletinSection, commit: bool = True) -> None:
    b = s.bulletin
    _editable(actor, b)
    audit.record(actor, "bulletin.section_deleted", b, section=s.id, title=s.title)
    b.sections.remove(s)
    for i, other in enumerate(b.sections, 1):
        other.position = i
    _touch(b, commit)


def move_section(actor, s: BulletinSection, offset: int, commit: bool = True) -> None:
    """Up (-1) or down (+1) by one place; positions stay 1..n."""
    b = s.bulletin
    _editable(actor, b)
    order = list(b.sections)
    i = order.index(s)
    j = max(0, min(len(order) - 1, i + (1 if offset > 0 else -1)))
    order[i], order[j] = order[j], order[i]
    for n, other in enumerate(order, 1):
        other.position = n
    audit.record(actor, "bulletin.section_moved", b, section=s.id, position=s.position)
    _touch(b, commit)


def submit(actor, b: Bulletin, commit: bool = True) -> None:
    _editable(actor, b)
    if not b.sections:
        raise DomainError(_l("Add at least one section before submitting the issue."))
    b.status, b.submitted_at, b.submitted_by_id = "in_review", utcnow(), actor.id
    audit.record(actor, "bulletin.submitted", b)
    _touch(b, commit)


def _in_review(actor, b: Bulletin) -> None:
    require(PUBLISH_BULLETINS, actor)
    if b.status != "in_review":
        raise DomainError(_l("Only an issue waiting for review can be published or returned."))


def return_to_draft(actor, b: Bulletin, note: str, commit: bool = True) -> None:
    _in_review(actor, b)
    note = (note or "").strip()
    if not note:
        raise DomainError(_l("Say what should be changed."), "note")
    b.status, b.returned_at, b.returned_by_id, b.return_note = "draft", utcnow(), actor.id, note
    audit.record(actor, "bulletin.returned", b, reason=note)
    _touch(b, commit)


def may_publish(actor, b: Bulletin) -> bool:
    return (b.status == "in_review" and PUBLISH_BULLETINS(actor)
            and actor.id not in (b.created_by_id, b.submitted_by_id))


def publish(actor, b: Bulletin, now: datetime | None = None, commit: bool = True) -> Bulletin:
    """Number, date and freeze the issue, and queue a mail to every subscriber.

    Two simultaneous publications would take the same number; the unique constraints refuse
    the second, which is asked to try again.
    """
    _in_review(actor, b)
    if actor.id in (b.created_by_id, b.submitted_by_id):
        raise DomainError(_l("Someone other than the issue's author must publish it."))
    now = now or utcnow()
    b.issue_date = now.astimezone(BEIJING).date()
    b.year = b.issue_date.year
    b.number = (db.session.scalar(select(func.max(Bulletin.number)).where(Bulletin.year == b.year)) or 0) + 1
    b.serial = (db.session.scalar(select(func.max(Bulletin.serial))) or 0) + 1
    b.status, b.published_at, b.published_by_id = "published", now, actor.id
    b.search_text = search.text_of(b)
    b.updated_at = now
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(_l("Another issue was published at the same moment; please try again."))
    audit.record(actor, "bulletin.published", b, year=b.year, number=b.number, serial=b.serial)
    subscriptions.notify(b)
    if commit:
        db.session.commit()
    return b


def editorial_queue(actor) -> list[Bulletin]:
    require(EDITORIAL, actor)
    return db.session.scalars(select(Bulletin).where(Bulletin.status != "published")
                              .order_by(Bulletin.status.desc(), Bulletin.updated_at.desc())).all()


def years() -> list[tuple[int, int]]:
    """(year, how many issues) of the published archive, newest first."""
    return db.session.execute(select(Bulletin.year, func.count(Bulletin.id))
                              .where(Bulletin.status == "published")
                              .group_by(Bulletin.year).order_by(Bulletin.year.desc())).all()


def published(year: int | None = None, limit: int | None = None) -> list[Bulletin]:
    q = select(Bulletin).where(Bulletin.status == "published").order_by(Bulletin.serial.desc())
    if year is not None:
        q = q.where(Bulletin.year == year)
    if limit:
        q = q.limit(limit)
    return db.session.scalars(q).all()
