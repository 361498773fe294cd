"""`flask --app wsgi questions …`: load the shipped bank or exchange files, export, list.

The command line acts as the system (no user): bank items arrive approved (they were reviewed in
the repository), GIFT and Moodle XML items arrive in review. Any problem prints one line on stderr,
exits 1, and leaves the database and the output file untouched.
"""
import os
import sys
import tempfile

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.core.errors import DomainError
from app.extensions import db

from . import services
from .models import CATEGORIES, LANGUAGE_GROUPS, Question

FORMATS = ("bank", "gift", "moodle")


def _fail(message) -> None:
    click.echo(f"error: {' '.join(str(message).split())}", err=True)
    sys.exit(1)


def _detect(path: str) -> str:
    if os.path.isdir(path):
        return "bank"
    return "moodle" if path.lower().endswith(".xml") else "gift"


@click.group("questions", help="The question bank: import, export, list.")
def questions_group():
    pass


@questions_group.command("import")
@click.argument("path")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="bank: a question_bank/ directory; gift or moodle: one file. Default: from PATH.")
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@click.option("--category", type=click.Choice(CATEGORIES), help="gift/moodle: for questions that name none.")
@click.option("--language-group", type=click.Choice(LANGUAGE_GROUPS), help="gift/moodle: default 'all'.")
@with_appcontext
def import_cmd(path, fmt, dry_run, category, language_group):
    """Import PATH in one transaction: all of it, or nothing. Safe to run again."""
    fmt = fmt or _detect(path)
    if not os.path.exists(path):
        _fail(f"{path}: no such file or directory")
    if fmt == "bank" and not os.path.isdir(path):
        _fail(f"{path}: the bank format reads a question_bank directory")
    if fmt != "bank" and not os.path.isfile(path):
        _fail(f"{path}: give one {fmt} file")
    try:
        result = services.import_file(None, path, fmt, dry_run=dry_run, category=category,
                                      language_group=language_group)
    except services.ItemProblems as err:
        _fail("; ".join(err.problems))
    except (DomainError, ValueError, OSError) as err:
        _fail(getattr(err, "message", None) or err)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"questions: {result.summary()}")


@questions_group.command("export")
@click.option("--format", "fmt", type=click.Choice(("gift", "moodle")), required=True)
@click.option("--category", type=click.Choice(CATEGORIES))
@click.option("--language-group", type=click.Choice(LANGUAGE_GROUPS))
@click.argument("out")
@with_appcontext
def export_cmd(fmt, category, language_group, out):
    """Write the current versions of objective questions to OUT ('-' for standard output)."""
    try:
        data, n = services.export(None, fmt, category=category, language_group=language_group)
    except (DomainError, ValueError) as err:
        _fail(getattr(err, "message", None) or err)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if out == "-":
        sys.stdout.buffer.write(raw)
        sys.stdout.flush()
    else:
        folder = os.path.dirname(os.path.abspath(out))
        if not os.path.isdir(folder):
            _fail(f"{out}: the folder does not exist")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".questions-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, out)
    click.echo(f"questions: {n} exported", err=out == "-")


@questions_group.command("list")
@click.option("--category", type=click.Choice(CATEGORIES))
@with_appcontext
def list_cmd(category):
    """One line per question: code, type, category, language group, difficulty, newest version."""
    q = select(Question).order_by(Question.code)
    if category:
        q = q.where(Question.category == category)
    for question in db.session.scalars(q):
        latest, current = question.latest, question.current
        state = f"v{latest.number} {latest.status}" if latest else "-"
        live = f"current v{current.number}" if current else "no approved version"
        retired = " retired" if question.retired_at else ""
        click.echo(f"{question.code}\t{question.type}\t{question.category}\t{question.language_group}\t"
                   f"{question.difficulty}\t{state}\t{live}{retired}")
