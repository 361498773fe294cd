"""`flask --app wsgi billing batch-work`: run queued batch ISBN jobs (cron, or `--loop` as a worker).

Attaches itself to the billing group of app/billing/cli.py; importing this module is enough.
"""
import time

import click
from flask.cli import with_appcontext

from . import batch_run
from .cli import billing_group


@billing_group.command("batch-work")
@click.option("--loop", is_flag=True, help="Keep running, waiting for new jobs.")
@click.option("--sleep", "pause", default=5.0, show_default=True, help="Seconds between looks at an empty queue.")
@click.option("--max-jobs", type=int, default=None, help="Stop after this many jobs.")
@with_appcontext
def batch_work_cmd(loop, pause, max_jobs):
    """Claim queued jobs one at a time (a job is never run by two workers) and run them."""
    done = batch_run.work(loop=loop, max_jobs=max_jobs, sleep=lambda: time.sleep(pause))
    purged = batch_run.purge_files()
    click.echo(f"ran {done} batch jobs; purged {purged} expired files")
