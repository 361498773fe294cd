import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from app.core.types import utcnow
from app.extensions import db

from .models import OutboxMessage

MAX_ATTEMPTS = 5


def queue(recipient: str, subject: str, body: str, kind: str) -> OutboxMessage:
    """Add a message to the outbox in the current transaction; the caller commits."""
    msg = OutboxMessage(recipient=recipient, subject=subject, body=body, kind=kind)
    db.session.add(msg)
    return msg


def _smtp_send(msg: OutboxMessage) -> None:
    cfg = current_app.config
    em = EmailMessage()
    em["From"] = cfg["MAIL_SENDER"]
    em["To"] = msg.recipient
    em["Subject"] = msg.subject
    em.set_content(msg.body)
    cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(em)


def deliver_pending(limit: int = 100) -> int:
    """Send what the outbox holds (SMTP backend only). Returns how many were sent."""
    if current_app.config["MAIL_BACKEND"] != "smtp":
        return 0
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = 0
    for msg in pending:
        msg.attempts += 1
        try:
            _smtp_send(msg)
        except (OSError, smtplib.SMTPException) as exc:
            msg.last_error = str(exc)[:500]
            current_app.logger.warning("mail %s to %s failed: %s", msg.id, msg.recipient, exc)
        else:
            msg.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent
