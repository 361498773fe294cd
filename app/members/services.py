"""Member libraries and the joining workflow.

register → accept both agreements → submit the member-information form → a centre administrator
opens the account → the contact person activates it from the e-mailed link. The applicant has no
password until the account is opened: the steps before are reached through a signed link.
"""
from __future__ import annotations

import secrets
from datetime import date

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from app import mail
from app.accounts import audit
from app.accounts.roles import grant
from app.accounts.services import create_user, find_by_email
from app.core.errors import DomainError, NotFound
from app.core.types import utcnow
from app.extensions import db
from app.permissions import MANAGE_LIBRARIES, REVIEW_APPLICATIONS, require

from .models import (
    AGREEMENT_KINDS, LIBRARY_TYPES, STATUS_ACTIVE, STATUS_AGREED, STATUS_OPENED, STATUS_REGISTERED,
    STATUS_REJECTED, STATUS_SUBMITTED, Agreement, AgreementAcceptance, Centre, Library, Region,
)

EDITABLE = ("name_zh", "name_en", "type", "address", "postcode", "website", "contact_name",
            "contact_email", "contact_phone", "director_name", "local_system", "cataloguer_count",
            "collection_size", "note")
INFO_FIELDS = ("address", "postcode", "website", "director_name", "contact_phone", "local_system",
               "cataloguer_count", "collection_size")


def get_library(library_id: int) -> Library:
    lib = db.session.get(Library, library_id)
    if lib is None:
        raise NotFound(_l("No such library."))
    return lib


def regions() -> list[Region]:
    return db.session.scalars(select(Region).order_by(Region.code)).all()


def centres() -> list[Centre]:
    return db.session.scalars(select(Centre).order_by(Centre.region_id, Centre.kind.desc(), Centre.code)).all()


def current_agreement(kind: str, on: date | None = None) -> Agreement | None:
    on = on or utcnow().date()
    return db.session.scalar(
        select(Agreement).where(Agreement.kind == kind, Agreement.effective_from <= on)
        .order_by(Agreement.effective_from.desc(), Agreement.id.desc()).limit(1)
    )


def _check_place(region_id: int, centre_id: int | None) -> tuple[Region, Centre | None]:
    region = db.session.get(Region, region_id)
    if region is None:
        raise DomainError(_l("Choose a region."), "region_id")
    centre = None
    if centre_id:
        centre = db.session.get(Centre, centre_id)
        if centre is None or centre.region_id != region.id:
            raise DomainError(_l("The centre must be one of the chosen region's centres."), "centre_id")
    return region, centre


# --- the joining workflow -----------------------------------------------------------------------
def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="bianmu-application")


def application_token(lib: Library) -> str:
    return _serializer().dumps({"l": lib.id, "n": lib.application_nonce})


def library_for_token(token: str) -> Library:
    max_age = current_app.config["APPLICATION_TOKEN_MAX_AGE_DAYS"] * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
        lib = db.session.get(Library, int(data["l"]))
    except (BadSignature, SignatureExpired, KeyError, TypeError, ValueError):
        lib = None
    if lib is None or not lib.application_nonce or lib.application_nonce != data.get("n"):
        raise NotFound(_l("This application link is invalid or has expired."))
    return lib


def register(name_zh: str, name_en: str | None, type_: str, region_id: int, centre_id: int | None,
             contact_name: str, contact_email: str, contact_phone: str | None = None) -> Library:
    if type_ not in LIBRARY_TYPES:
        raise DomainError(_l("Choose the type of library."), "type")
    region, centre = _check_place(region_id, centre_id)
    email = contact_email.strip().lower()
    if find_by_email(email) is not None:
        raise DomainError(_l("This e-mail address already belongs to an account; ask your library's administrator to add you."), "contact_email")
    dup = db.session.scalar(select(Library).where(func.lower(Library.name_zh) == name_zh.strip().lower(),
                                                  Library.status != STATUS_REJECTED))
    if dup is not None:
        raise DomainError(_l("A library with this name is already registered or a member."), "name_zh")
    lib = Library(name_zh=name_zh.strip(), name_en=(name_en or "").strip() or None, type=type_,
                  region=region, centre=centre, contact_name=contact_name.strip(), contact_email=email,
                  contact_phone=(contact_phone or "").strip() or None, status=STATUS_REGISTERED,
                  application_nonce=secrets.token_hex(16))
    db.session.add(lib)
    db.session.flush()
    audit.record(None, "library.registered", lib, name=lib.name_zh, email=email)
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(
        "members.application", token=application_token(lib))
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template("mail/application.txt", library=lib, link=link)
        mail.queue(email, str(_l("Your Bianmu membership application")), body, kind="application")
    db.session.commit()
    mail.deliver_pending()
    return lib


def accept_agreements(lib: Library, accepted_by_name: str, agreement_ids: dict[str, int]) -> None:
    if lib.status not in (STATUS_REGISTERED, STATUS_AGREED):
        raise DomainError(_l("The agreements of this application have already been handled."))
    if not accepted_by_name.strip():
        raise DomainError(_l("Give the name of the person accepting for the library."), "accepted_by_name")
    for kind in AGREEMENT_KINDS:
        current = current_agreement(kind)
        if current is None:
            raise DomainError(_l("The centre has not published this agreement yet."))
        if agreement_ids.get(kind) != current.id:
            # The text changed while the applicant was reading: they must read the new one.
            raise DomainError(_l("The agreement was updated meanwhile; please read the current version."), kind)
        if lib.accepted(kind) is None or lib.accepted(kind).agreement_id != current.id:
            db.session.add(AgreementAcceptance(library=lib, agreement=current,
                                               accepted_by_name=accepted_by_name.strip()))
            audit.record(None, "library.agreement_accepted", lib, kind=kind, version=current.version,
                         by=accepted_by_name.strip())
    lib.status = STATUS_AGREED
    db.session.commit()


def submit_member_info(lib: Library, info: dict) -> None:
    if lib.status == STATUS_REGISTERED:
        raise DomainError(_l("Accept the agreements first."))
    if lib.status not in (STATUS_AGREED, STATUS_SUBMITTED):
        raise DomainError(_l("This application can no longer be changed."))
    for key in INFO_FIELDS:
        if key in info:
            value = info[key]
            setattr(lib, key, value.strip() or None if isinstance(value, str) else value)
    if not lib.address:
        raise DomainError(_l("Give the library's postal address."), "address")
    lib.status, lib.submitted_at = STATUS_SUBMITTED, utcnow()
    audit.record(None, "library.info_submitted", lib)
    db.session.commit()


def open_account(actor, lib: Library, code: str) -> None:
    """The centre accepts the application: the library gets its code and its contact an account."""
    require(REVIEW_APPLICATIONS, actor)
    if lib.status != STATUS_SUBMITTED:
        raise DomainError(_l("Only a submitted application can be accepted."))
    code = (code or "").strip().upper()
    if not code or not code.replace("-", "").isalnum() or len(code) > 20:
        raise DomainError(_l("Give a library code of letters and digits (at most 20)."), "code")
    if db.session.scalar(select(Library).where(Library.code == code)) is not None:
        raise DomainError(_l("This library code is already in use."), "code")
    lib.code, lib.status, lib.opened_at, lib.application_nonce = code, STATUS_OPENED, utcnow(), None
    audit.record(actor, "library.opened", lib, code=code)
    user = create_user(None, lib.contact_email, lib.contact_name, library=lib, phone=lib.contact_phone,
                       send_mail=False, commit=False)
    grant(actor, user, "library_admin", reason=str(_l("Contact person of a new member library")), commit=False)
    from app.accounts.services import send_activation

    send_activation(user)
    db.session.commit()
    mail.deliver_pending()


def reject_application(actor, lib: Library, reason: str) -> None:
    require(REVIEW_APPLICATIONS, actor)
    if lib.status not in (STATUS_REGISTERED, STATUS_AGREED, STATUS_SUBMITTED):
        raise DomainError(_l("Only an open application can be rejected."))
    if not reason.strip():
        raise DomainError(_l("Give a reason."), "reason")
    lib.status, lib.application_nonce = STATUS_REJECTED, None
    audit.record(actor, "library.rejected", lib, reason=reason.strip())
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template("mail/rejected.txt", library=lib, reason=reason.strip())
        mail.queue(lib.contact_email, str(_l("Your Bianmu membership application")), body, kind="rejected")
    db.session.commit()
    mail.deliver_pending()


def on_first_activation(lib: Library | None, user) -> None:
    """Called in the activation transaction: the first activated person makes the library a member."""
    if lib is not None and lib.status == STATUS_OPENED:
        lib.status = STATUS_ACTIVE
        audit.record(user, "library.activated", lib)


def queue(status: str) -> list[Library]:
    return db.session.scalars(
        select(Library).where(Library.status == status).order_by(Library.registered_at)
    ).all()


def queue_counts() -> dict[str, int]:
    rows = db.session.execute(select(Library.status, func.count()).group_by(Library.status)).all()
    return {status: n for status, n in rows}


# --- administration ----------------------------------------------------------------------------
def search(text: str = "", region_id: int | None = None, status: str | None = None,
           type_: str | None = None, page: int = 1, per_page: int = 25):
    q = select(Library)
    if text:
        like = f"%{text.strip()}%"
        q = q.where(or_(Library.name_zh.ilike(like), Library.name_en.ilike(like), Library.code.ilike(like)))
    if region_id:
        q = q.where(Library.region_id == region_id)
    if status == "disabled":
        q = q.where(Library.disabled_at.is_not(None))
    elif status:
        q = q.where(Library.status == status)
    if type_:
        q = q.where(Library.type == type_)
    return db.paginate(q.order_by(Library.region_id, Library.name_zh), page=page, per_page=per_page,
                       error_out=False)


def edit_library(actor, lib: Library, data: dict) -> None:
    require(MANAGE_LIBRARIES, actor)
    if "type" in data and data["type"] not in LIBRARY_TYPES:
        raise DomainError(_l("Choose the type of library."), "type")
    region, centre = _check_place(data.get("region_id", lib.region_id), data.get("centre_id", lib.centre_id))
    changes = {}
    for key in EDITABLE:
        if key in data:
            value = data[key].strip() or None if isinstance(data[key], str) else data[key]
            if getattr(lib, key) != value:
                changes[key] = [getattr(lib, key), value]
                setattr(lib, key, value)
    if lib.region_id != region.id or lib.centre_id != getattr(centre, "id", None):
        changes["place"] = [[lib.region_id, lib.centre_id], [region.id, getattr(centre, "id", None)]]
        lib.region, lib.centre = region, centre
    if not lib.name_zh or not lib.contact_name or not lib.contact_email:
        raise DomainError(_l("Name, contact person and contact e-mail are required."))
    if changes:
        audit.record(actor, "library.edited", lib, changes=_jsonable(changes))
    db.session.commit()


def _jsonable(changes: dict) -> dict:
    return {k: [str(x) if x is not None and not isinstance(x, (int, list)) else x for x in v]
            for k, v in changes.items()}


def set_disabled(actor, lib: Library, disabled: bool, reason: str) -> None:
    require(MANAGE_LIBRARIES, actor)
    if not reason.strip():
        raise DomainError(_l("Give a reason."), "reason")
    if disabled and lib.disabled_at is None:
        lib.disabled_at = utcnow()
        audit.record(actor, "library.disabled", lib, reason=reason.strip())
    elif not disabled and lib.disabled_at is not None:
        lib.disabled_at = None
        audit.record(actor, "library.enabled", lib, reason=reason.strip())
    db.session.commit()


def set_upload_right(actor, lib: Library, allowed: bool, reason: str) -> None:
    """Upload right is normally gained with the first certified cataloguer; the centre may override."""
    require(MANAGE_LIBRARIES, actor)
    if not reason.strip():
        raise DomainError(_l("Give a reason."), "reason")
    if lib.upload_right != allowed:
        lib.upload_right = allowed
        audit.record(actor, "library.upload_right_" + ("granted" if allowed else "revoked"), lib,
                     reason=reason.strip())
    db.session.commit()
