"""`marc grade`: grade a candidate record against one or more reference records.

    flask --app wsgi marc grade --reference ref.mrc [--reference alt.xml] --candidate answer.mrk
                                [--rubric my_rubric.yaml] [--json] [--lang en]

The first record of each file is used. The rubric follows the reference's format (CNMARC when it
has 200 and no 245) unless --rubric names one. An unreadable file is one line on stderr, exit 2.
"""
from __future__ import annotations

import json
import sys

import click

from . import marc_group


class _Unreadable(Exception):
    pass


def _reason(err) -> str:
    """A one-line reason from whatever the reader reported (a Message, a result, an exception)."""
    for attr in ("error", "message"):
        inner = getattr(err, attr, None)
        if inner is not None and inner is not err:
            err = inner
            break
    text = getattr(err, "en", None) or str(err)
    return " ".join(str(text).split())


def _read_first(path: str):
    from ..io import read_records

    try:
        records, errors = read_records(path)
    except Exception as e:  # any failure to read is the user's file, not a crash
        raise _Unreadable(_with_path(path, _reason(e))) from None
    records = [r for r in records if r is not None]
    if not records:
        if not errors:
            raise _Unreadable(f"{path}: no MARC record found")
        where = getattr(errors[0], "where", None)
        why = _reason(errors[0])
        if callable(where):
            why = f"{where('en')}: {why}"
        raise _Unreadable(_with_path(path, why))
    return records[0]


def _with_path(path: str, why: str) -> str:
    return why if path in why else f"{path}: {why}"


@marc_group.command("grade")
@click.option("--reference", "references", multiple=True, required=True,
              type=click.Path(dir_okay=False), help="Reference record file (repeatable).")
@click.option("--candidate", required=True, type=click.Path(dir_okay=False),
              help="The candidate's record file.")
@click.option("--rubric", default=None, help="Rubric name (cnmarc_book, marc21_book) or YAML/JSON file.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the text report.")
def grade_command(references, candidate, rubric, as_json, lang):
    """Grade a candidate MARC record against reference records (best reference counts)."""
    from ..grade import RubricError, grade

    try:
        refs = [_read_first(p) for p in references]
        cand = _read_first(candidate)
    except _Unreadable as e:
        click.echo(f"marc grade: {e}", err=True)
        sys.exit(2)
    try:
        result = grade(cand, refs, rubric)
    except RubricError as e:
        click.echo(f"marc grade: {e}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.report(lang))
