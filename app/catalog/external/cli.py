"""`flask --app wsgi catalog fetch TARGET --isbn …`: ask an external catalogue from the shell.

Attached to the `catalog` group here; app/__init__.py imports this module in _register_cli.
"""
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from app.catalog.cli import catalog_group
from app.core.errors import DomainError
from app.marc.io import FORMATS, MarcWriteError, MarcWriter

from . import service
from .errors import ExternalError
from .targets import load_targets


def _english(message) -> str:
    with current_app.test_request_context(), force_locale("en"):
        return " ".join(str(message).split())


def _fail(message, code: int = 2):
    click.echo(f"error: {_english(message)}", err=True)
    sys.exit(code)


@catalog_group.command("fetch")
@click.argument("target", required=False)
@click.option("--isbn", "isbn", help="Search by ISBN.")
@click.option("--title", help="Search by title.")
@click.option("--author", help="Search by author.")
@click.option("--any", "keyword", help="Search any word.")
@click.option("--max", "max_records", default=10, show_default=True, type=click.IntRange(1, service.MAX_RECORDS))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="mrk", show_default=True)
@click.option("--output", "-o", default="-", help="File to write; - for standard output.")
@click.option("--list", "list_targets", is_flag=True, help="List the configured catalogues and stop.")
@with_appcontext
def fetch_cmd(target, isbn, title, author, keyword, max_records, fmt, output, list_targets):
    """Search the external catalogue TARGET and print or save the records it returns (UTF-8)."""
    if list_targets:
        try:
            targets = load_targets()
        except DomainError as err:
            _fail(err.message)
        for t in targets:
            state = "" if t.enabled else "  (disabled)"
            click.echo(f"{t.name}\t{t.protocol}\t{t.url or t.where}\t{t.label_en}{state}")
        return
    if not target:
        _fail("name a TARGET (see --list)")
    asked = [(kind, text) for kind, text in (("isbn", isbn), ("title", title), ("author", author),
                                             ("keyword", keyword)) if text is not None]
    if len(asked) != 1:
        _fail("give exactly one of --isbn, --title, --author, --any")
    kind, text = asked[0]
    try:
        result = service.run_search(target, kind, text, max_records, mark_known=False)
    except DomainError as err:
        # 2: the question or the configuration is wrong; 1: the catalogue failed to answer.
        _fail(err.message, 1 if isinstance(err, ExternalError) and err.kind != "config" else 2)
    for problem in result.problems:
        click.echo(f"warning: {_english(problem)}", err=True)
    out = sys.stdout.buffer if output == "-" else open(output, "wb")  # noqa: SIM115 - closed below
    written = 0
    try:
        with MarcWriter(out, fmt, "utf-8") as writer:
            for hit in result.hits:
                try:
                    writer.write(hit.record)
                    written += 1
                except MarcWriteError as exc:
                    click.echo(f"warning: record {hit.position}: {exc.en}", err=True)
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    click.echo(f"{result.target.name}: {result.total} found, {written} written ({result.query})", err=True)
