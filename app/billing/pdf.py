"""The printed statement (结算单), A4 portrait, made with WeasyPrint from the ledger's figures.

Like the certificate, it is rendered by a plain Jinja environment with autoescaping (no request
needed: a CLI can print a year's statements). Every figure row carries an English key beside the
Chinese label, so the PDF's text can be read back and checked (tests/billing/test_statements.py).
The font is named explicitly (Noto Sans CJK SC) so that Chinese never falls back to a Japanese face.
"""
from __future__ import annotations

from app.core.pdf import html_to_pdf, render_html

from .rules import RULES, part_of

TEMPLATE = "billing/statement_pdf.html"


def _labels(code: str) -> tuple[str, str]:
    rule = RULES.get(code)
    return rule.label if rule else (code, code)


def _part(rule: str, part: str) -> tuple[str, str]:
    try:
        return part_of(rule, part).label
    except (KeyError, StopIteration):
        return (part, part)


def render_statement_html(st, printed_on) -> str:
    return render_html(TEMPLATE, st=st, labels=_labels, part=_part, printed_on=printed_on)


def render_statement_pdf(st, printed_on) -> bytes:
    return html_to_pdf(render_statement_html(st, printed_on))
