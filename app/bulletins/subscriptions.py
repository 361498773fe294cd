"""Who is told of new issues: a subscription per user, and the mail queued on publication."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts import audit
from app.accounts.models import User
from app.extensions import db
from app.mail import services as mail
from app.permissions import SIGNED_IN, require

from .models import Bulletin, BulletinSubscription


def is_subscribed(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(BulletinSubscription.id).where(
        BulletinSubscription.user_id == user.id)) is not None


def subscribe(user, commit: bool = True) -> bool:
    """True if a subscription was added (False: there was one already)."""
    require(SIGNED_IN, user)
    if is_subscribed(user):
        return False
    db.session.add(BulletinSubscription(user_id=user.id))
    audit.record(user, "bulletin.subscribed", user)
    if commit:
        db.session.commit()
    return True


def unsubscribe(user, commit: bool = True) -> bool:
    require(SIGNED_IN, user)
    sub = db.session.scalar(select(BulletinSubscription).where(BulletinSubscription.user_id == user.id))
    if sub is None:
        return False
    db.session.delete(sub)
    audit.record(user, "bulletin.unsubscribed", user)
    if commit:
        db.session.commit()
    return True


def public_url(endpoint: str, **values) -> str:
    """Absolute link on the portal's public address, for mails and the feed (stable ids whatever
    host a request came in on), built without a request: publication may come from the CLI."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def issue_url(b: Bulletin) -> str:
    return public_url("bulletins.issue", bulletin_id=b.id)


def notify(b: Bulletin) -> int:
    """Queue one mail per active subscriber, in the caller's transaction. Returns how many."""
    users = db.session.scalars(select(User).join(BulletinSubscription, BulletinSubscription.user_id == User.id)
                               .order_by(User.id)).all()
    link = issue_url(b)
    n = 0
    for user in users:
        if not user.is_active:
            continue
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            subject = _("Bulletin %(label)s: %(title)s", label=b.label_zh, title=b.title_zh)
            body = render_template("bulletins/mail_published.txt", user=user, bulletin=b, link=link)
        mail.queue(user.email, subject, body, kind="bulletin")
        n += 1
    return n
