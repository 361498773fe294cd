"""`flask --app wsgi consult escalate`: run from cron on working days (see docs/consultation.md)."""
import click
from flask.cli import with_appcontext

from .escalation import escalate_due


@click.group("consult", help="The consultation desk.")
def consult_group():
    pass


@consult_group.command("escalate")
@with_appcontext
def escalate_cmd():
    """Pass questions unanswered for N working days to the panel lead, and tell them."""
    done = escalate_due()
    for q in done:
        click.echo(f"escalated question {q.id} → {q.assignee.name if q.assignee else '(no lead: administrators told)'}")
    click.echo(f"{len(done)} questions escalated")
