"""`flask --app wsgi exams …`: checking blueprints against the bank, and the jobs cron runs.

`close-due` and `release-due` are meant for cron (every few minutes): deadlines and release times
are kept by the server whether or not anybody has a page open.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.core.errors import DomainError
from app.extensions import db

from . import attempts, papers, results, stats
from .blueprint import BlueprintError, check_against_pool, load_blueprints


def _fail(message) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _round(code: str):
    r = stats.by_code(code)
    if r is None:
        _fail(f"no exam round {code}")
    return r


@click.group("exams", help="Certification exams: blueprints, deadlines, results.")
def exams_group():
    pass


@exams_group.command("blueprints")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=papers.EXAMS_DIR, show_default=True, help="Where the blueprint files are.")
@with_appcontext
def blueprints_cmd(directory):
    """Check every exams/*.yaml against the current question pool; exit 1 on any problem."""
    try:
        found = load_blueprints(directory)
    except (BlueprintError, OSError) as err:
        _fail(err)
    if not found:
        _fail(f"no blueprint in {directory}")
    pool = papers.exam_pool()
    problems = 0
    for code, bp in found.items():
        issues = check_against_pool(bp, pool)
        problems += len(issues)
        if issues:
            for issue in issues:
                click.echo(f"{code}: {issue}")
        else:
            click.echo(f"{code}: ok ({len(bp.sections)} sections, {bp.max_points} points)")
    if problems:
        click.echo(f"error: {problems} problems in {len(found)} blueprints ({len(pool)} questions in the pool)",
                   err=True)
        sys.exit(1)


@exams_group.command("close-due")
@with_appcontext
def close_due_cmd():
    """Submit (and grade) every attempt whose time is up."""
    click.echo(f"{attempts.close_overdue()} attempts closed")


@exams_group.command("release-due")
@with_appcontext
def release_due_cmd():
    """Release the results of every round whose release time has come (for cron)."""
    done = results.release_due()
    click.echo(f"released: {', '.join(done)}" if done else "nothing to release")


@exams_group.command("release")
@click.argument("code")
@with_appcontext
def release_cmd(code):
    """Release the results of round CODE now (recorded as done by the system)."""
    r = _round(code)
    try:
        issued = results.release(None, r)
    except DomainError as err:
        db.session.rollback()
        _fail(err.message)
    click.echo(f"released {r.code}: {issued} certificates issued")


@exams_group.command("round-stats")
@click.argument("code")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the item statistics to this CSV file.")
@click.option("--lang", default="zh", show_default=True)
@with_appcontext
def round_stats_cmd(code, csv_path, lang):
    """Counts, pass rates and reliability of round CODE; item statistics as CSV."""
    s = stats.round_stats(_round(code), lang)
    o = s.overall
    rate = f"{o.rate:.1%}" if o.rate is not None else "—"
    click.echo(f"{s.round.code}: registered {o.registered}, sat {o.sat}, passed {o.passed} ({rate})")
    for sec in s.sections:
        a = sec.analysis
        alpha = f"{a.alpha:.3f}" if a.alpha is not None else "—"
        flagged = len(a.flagged)
        click.echo(f"  section {sec.code}: {a.attempts} attempts, alpha {alpha}, {len(a.items)} items, "
                   f"{flagged} flagged")
    if csv_path:
        try:
            csv_path.write_text(stats.items_csv(s), encoding="utf-8")
        except OSError as err:
            _fail(f"cannot write {csv_path}: {err.strerror}")
        click.echo(f"item statistics written to {csv_path}")
