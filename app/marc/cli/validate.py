"""`marc validate FILE`: every finding of every record, for a person or (--json) for a program."""
from __future__ import annotations

import json
import os
import sys

import click

from ..classify import classify
from ..io import MarcReadError, read
from ..profiles import LEVELS, PROFILE_NAMES
from ..validate import validate
from . import marc_group

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2

_HELP = """Validate every record of a MARC file against its format profile.

The format (MARC 21, CNMARC, UNIMARC), the kind (bibliographic or authority) and the level (full
or basic) are read from each record unless --profile or --level says otherwise.

\b
Exit status:
  0  no errors (warnings allowed)
  1  at least one error, or a damaged record that could not be read
  2  the file cannot be read at all (missing, empty, unknown format)
"""


def _language(option: str | None) -> str:
    if option:
        return option
    env = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    if env.startswith("zh"):
        return "zh"
    return "en" if env.startswith("en") else "both"


def _where(finding) -> str:
    if finding.tag == "LDR":
        return f"LDR/{finding.position:02d}" if finding.position is not None else "LDR"
    text = finding.tag + (f"[{finding.occurrence}]" if finding.occurrence else "")
    if finding.subfield:
        text += f"${finding.subfield}"
    if finding.position is not None and finding.code != "indicator.invalid":
        text += f"/{finding.position:02d}"
    elif finding.code == "indicator.invalid":
        text += f" ind{finding.position}"
    return text


def _say(message, lang: str) -> str:
    if lang == "both":
        return f"{message.zh} / {message.en}"
    return message.zh if lang == "zh" else message.en


@marc_group.command("validate", help=_HELP)
@click.argument("source", metavar="FILE")
@click.option("--json", "as_json", is_flag=True, help="One JSON list, an object per record.")
@click.option("--profile", type=click.Choice(PROFILE_NAMES), help="Profile for every record.")
@click.option("--level", type=click.Choice(LEVELS), help="Mandatory set for every record.")
@click.option("--lang", type=click.Choice(["zh", "en", "both"]),
              help="Language of messages (default: from LANG, both when unset).")
def validate_command(source, as_json, profile, level, lang):
    lang = _language(lang)
    try:
        results = read(source)
    except MarcReadError as exc:
        click.echo(f"error: {exc.en} / {exc.zh}", err=True)
        sys.exit(EXIT_UNREADABLE)
    failed = False
    report = []
    counts = {"error": 0, "warning": 0}
    for result in results:
        if not result.ok:
            failed = True
            if as_json:
                report.append({"record": result.index, "error": {"zh": result.error.zh,
                                                                  "en": result.error.en}})
            else:
                click.echo(f"{result.index}\t-\terror\tread\t{result.where(lang)}: "
                           f"{_say(result.error, lang)}")
            continue
        findings = validate(result.record, profile, level)
        for f in findings:
            counts[f.severity] += 1
        failed = failed or any(f.severity == "error" for f in findings)
        if as_json:
            c = classify(result.record)
            report.append({"record": result.index, "format": c.format, "kind": c.kind,
                           "level": level or c.level, "findings": [f.as_dict() for f in findings]})
        else:
            for f in findings:
                click.echo(f"{result.index}\t{_where(f)}\t{f.severity}\t{f.code}\t{_say(f.message, lang)}")
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        click.echo(f"{counts['error']} errors, {counts['warning']} warnings / "
                   f"{counts['error']} 个错误，{counts['warning']} 个警告", err=True)
    sys.exit(EXIT_ERRORS if failed else EXIT_OK)
