"""`flask --app wsgi billing …`: load the 2023 schedule; post pending payments and charges (cron)."""
import click
from flask.cli import with_appcontext

from . import posting, schedules


@click.group("billing", help="Membership accounting: fee schedules and the ledger.")
def billing_group():
    pass


@billing_group.command("seed-schedule")
@with_appcontext
def seed_schedule_cmd():
    """Add the schedule in force from 2023-01-01 (once; running it again changes nothing)."""
    s = schedules.seed_schedule()
    click.echo(f"schedule from {s.effective_from.isoformat()}: {len(s.rates)} rates")


@billing_group.command("post")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Post events up to the end of this Beijing day (default today).")
@with_appcontext
def post_cmd(until):
    """Post released uploads and re-assess download quotas; safe to run as often as wanted."""
    done = posting.post_pending(until.date() if until else None)
    click.echo("posted {uploads} uploads, {charges} download charges, {adjustments} adjustments".format(**done))



