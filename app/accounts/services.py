"""Account rules: sign-in with throttling, activation, password reset, invitations, disabling."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app import mail
from app.core.errors import DomainError, NotFound
from app.core.types import utcnow
from app.extensions import db
from app.permissions import MANAGE_ALL_USERS, MANAGE_LIBRARY_PEOPLE, require

from . import audit, tokens
from .models import LoginFailure, User
from .passwords import hash_password, needs_rehash, verify_password


class LoginThrottled(DomainError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def new_stamp() -> str:
    return secrets.token_hex(16)


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    return user


def check_password_strength(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise DomainError(_l("The password must have at least %(n)d characters.", n=minimum), "password")
    if password.isdigit() or password.isalpha() or len(set(password)) < 5:
        raise DomainError(_l("Choose a password that mixes letters with digits or symbols."), "password")


# --- sign-in ---------------------------------------------------------------------------------
def _throttle_keys(email: str, address: str | None) -> list[str]:
    keys = [f"email:{normalise_email(email)}"]
    if address:
        keys.append(f"ip:{address}")
    return keys


def _recent_failures(key: str) -> int:
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return db.session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.key == key, LoginFailure.at > since)
    )


def authenticate(email: str, password: str, address: str | None = None) -> User:
    """Return the user, or raise DomainError with a message that does not reveal which part was wrong.

    The address limit is wider than the account limit, so that one office behind a single address
    does not lock itself out because of one colleague.
    """
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    keys = _throttle_keys(email, address)
    for key in keys:
        allowed = limit if key.startswith("email:") else limit * 4
        if _recent_failures(key) >= allowed:
            raise LoginThrottled(
                _l("Too many failed sign-ins. Try again in %(m)d minutes or reset your password.",
                   m=current_app.config["LOGIN_WINDOW_MINUTES"])
            )
    user = find_by_email(email)
    if user is None or not verify_password(user.password_hash, password):
        for key in keys:
            db.session.add(LoginFailure(key=key))
        db.session.commit()
        raise DomainError(_l("Wrong e-mail address or password."))
    if user.disabled_at is not None:
        raise DomainError(_l("This account has been disabled. Please contact your library administrator."))
    if user.activated_at is None:
        raise DomainError(_l("This account has not been activated yet: use the link in the activation e-mail."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == keys[0]))
    db.session.commit()
    return user


def load_session_user(session_id: str) -> User | None:
    try:
        uid, stamp = session_id.split(":", 1)
        user = db.session.get(User, int(uid))
    except (ValueError, TypeError):
        return None
    if user is None or user.security_stamp != stamp:
        return None
    return user


# --- e-mails with links --------------------------------------------------------------------------
def _send_link(user: User, purpose: str, template: str, subject) -> None:
    token = tokens.make(user, purpose)
    endpoint = "accounts.activate" if purpose == "activate" else "accounts.reset_password"
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    link = base + url_for(endpoint, token=token)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(template, user=user, link=link,
                               hours=current_app.config["TOKEN_MAX_AGE_HOURS"])
        mail.queue(user.email, str(subject), body, kind=purpose)


def send_activation(user: User) -> None:
    _send_link(user, "activate", "mail/activate.txt", _l("Activate your Bianmu account"))


def request_password_reset(email: str) -> None:
    """Always looks the same to the caller, so that it cannot be used to discover accounts."""
    user = find_by_email(email)
    if user is not None and user.is_active:
        _send_link(user, "reset", "mail/reset.txt", _l("Reset your Bianmu password"))
        db.session.commit()
        mail.deliver_pending()


def _user_for_token(token: str, purpose: str) -> User:
    data = tokens.read(token, purpose)
    user = db.session.get(User, data[0]) if data else None
    if user is None or user.security_stamp != data[1]:
        raise DomainError(_l("This link is invalid or has expired. Ask for a new one."))
    return user


def check_token(token: str, purpose: str) -> User:
    return _user_for_token(token, purpose)


def set_password_from_token(token: str, purpose: str, password: str) -> User:
    user = _user_for_token(token, purpose)
    if purpose == "reset" and not user.is_active:
        raise DomainError(_l("This account cannot be used."))
    if user.disabled_at is not None:
        raise DomainError(_l("This account has been disabled. Please contact your library administrator."))
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.security_stamp = new_stamp()
    if purpose == "activate":
        user.activated_at = utcnow()
        audit.record(user, "user.activated", user)
        lib = user.library
        from app.members.services import on_first_activation  # members depends on accounts, not back

        on_first_activation(lib, user)
    else:
        audit.record(user, "user.password_reset", user)
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == f"email:{user.email}"))
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise DomainError(_l("The current password is not correct."), "current")
    check_password_strength(new)
    user.password_hash = hash_password(new)
    user.security_stamp = new_stamp()
    audit.record(user, "user.password_changed", user)
    db.session.commit()


def update_profile(user: User, name: str, phone: str | None, locale: str | None) -> None:
    user.name, user.phone = name.strip(), (phone or "").strip() or None
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale
    db.session.commit()


# --- people -----------------------------------------------------------------------------------
def create_user(actor, email: str, name: str, library=None, password: str | None = None,
                activated: bool = False, phone: str | None = None, send_mail: bool = True,
                commit: bool = True) -> User:
    """Create an account; without a password it waits for activation through an e-mailed link."""
    if actor is not None:  # None is the system itself: the command line or the demo seed
        if library is not None:
            require(MANAGE_LIBRARY_PEOPLE, actor, library)
        else:
            require(MANAGE_ALL_USERS, actor)
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise DomainError(_l("An account with this e-mail address already exists."), "email")
    user = User(email=email, name=name.strip(), library=library, phone=phone, security_stamp=new_stamp())
    if password:
        check_password_strength(password)
        user.password_hash = hash_password(password)
    if activated:
        user.activated_at = utcnow()
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.created", user, email=email, library_id=getattr(library, "id", None))
    from .roles import grant

    if library is not None:
        grant(actor, user, "cataloguer", reason=str(_l("New member of the library")), commit=False)
    if not activated and send_mail:
        send_activation(user)
    if commit:
        db.session.commit()
        mail.deliver_pending()
    return user


def disable_user(actor, user: User, reason: str) -> None:
    require(MANAGE_ALL_USERS | MANAGE_LIBRARY_PEOPLE, actor, user)
    if user.id == actor.id:
        raise DomainError(_l("You cannot disable your own account."))
    if not reason.strip():
        raise DomainError(_l("Give a reason."), "reason")
    if user.disabled_at is None:
        user.disabled_at, user.disabled_reason = utcnow(), reason.strip()
        user.security_stamp = new_stamp()  # signs the user out everywhere
        audit.record(actor, "user.disabled", user, reason=reason.strip())
    db.session.commit()


def enable_user(actor, user: User, reason: str) -> None:
    require(MANAGE_ALL_USERS | MANAGE_LIBRARY_PEOPLE, actor, user)
    if user.disabled_at is not None:
        user.disabled_at, user.disabled_reason = None, None
        audit.record(actor, "user.enabled", user, reason=reason.strip() or None)
    db.session.commit()


def edit_user(actor, user: User, name: str, email: str, phone: str | None, library=None) -> None:
    require(MANAGE_ALL_USERS | MANAGE_LIBRARY_PEOPLE, actor, user)
    email = normalise_email(email)
    other = find_by_email(email)
    if other is not None and other.id != user.id:
        raise DomainError(_l("An account with this e-mail address already exists."), "email")
    changes = {}
    for attr, value in (("name", name.strip()), ("email", email), ("phone", (phone or "").strip() or None)):
        if getattr(user, attr) != value:
            changes[attr] = [getattr(user, attr), value]
            setattr(user, attr, value)
    if library is not None and user.library_id != library.id:
        require(MANAGE_ALL_USERS, actor)
        changes["library_id"] = [user.library_id, library.id]
        user.library = library
    if changes:
        audit.record(actor, "user.edited", user, changes=changes)
    db.session.commit()
