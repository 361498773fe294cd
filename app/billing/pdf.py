"""The printed statement (结算单), A4 portrait, made with WeasyPrint from the ledger's figures.

Like the certificate, it is rendered by a plain Jinja environment with autoescaping (no request
needed: a CLI can print a year's statements). Every figure row carries an English key beside the
Chinese label, so the PDF's text can be read back and checked (tests/billing/test_statements.py).
The font is named explicitly (Noto Sans CJK SC) so that Chinese never falls back to a Japanese face.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .rules import RULES, part_of

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE = "billing/statement_pdf.html"
FONT_FAMILY = "Noto Sans CJK SC"


def _labels(code: str) -> tuple[str, str]:
    rule = RULES.get(code)
    return rule.label if rule else (code, code)


def _part(rule: str, part: str) -> tuple[str, str]:
    try:
        return part_of(rule, part).label
    except (KeyError, StopIteration):
        return (part, part)


def render_statement_html(st, printed_on) -> str:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = lambda d: f"{d:.2f}"
    env.filters["pct"] = lambda d: "-" if d is None else f"{d.normalize():f}"
    return env.get_template(TEMPLATE).render(st=st, labels=_labels, part=_part, font_family=FONT_FAMILY,
                                             printed_on=printed_on)


def render_statement_pdf(st, printed_on) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is really made

    return HTML(string=render_statement_html(st, printed_on), base_url=str(TEMPLATES)).write_pdf()
