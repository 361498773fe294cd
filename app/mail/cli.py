import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.extensions import db

from .models import OutboxMessage
from .services import deliver_pending


@click.group("mail", help="The outgoing mail queue.")
def mail_group():
    pass


@mail_group.command("send")
@with_appcontext
def send():
    """Send what is waiting in the outbox (SMTP backend); run it from cron to retry failures."""
    click.echo(f"sent {deliver_pending(limit=1000)}")


@mail_group.command("outbox")
@click.option("--limit", default=20)
@with_appcontext
def outbox(limit):
    """Show the newest messages, e.g. to find an activation link in development."""
    for msg in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)):
        state = "sent" if msg.sent_at else "queued"
        click.echo(f"--- #{msg.id} {msg.created_at:%Y-%m-%d %H:%M} UTC {state} to {msg.recipient}: {msg.subject}")
        click.echo(msg.body)
