"""A post's Markdown as safe HTML, with pasted MARC records shown in the MARC view.

A fenced block opened by ```marc holds MarcMaker text. It is cut out before Markdown runs: if
the catalogue editor's parser reads it, the record is shown as the tagged MARC view; if not, the
text is shown as code. Either way it is escaped text inside <pre>, never HTML. Everything else
goes through render_markdown (raw HTML off, then the nh3 allow-list).
"""
from __future__ import annotations

import html
import re

import nh3
from markupsafe import Markup

from app.core.markdown import render_markdown

_MARC_BLOCK = re.compile(r"^```[ \t]*marc[ \t]*\n(.*?)(?:\n```[ \t]*$|\Z)", re.M | re.S | re.I)


def split_marc(body: str) -> list[tuple[str, str]]:
    """[("md", text) | ("marc", mrk text)] in order."""
    body = (body or "").replace("\r\n", "\n")
    parts, pos = [], 0
    for m in _MARC_BLOCK.finditer(body):
        if m.start() > pos:
            parts.append(("md", body[pos:m.start()]))
        parts.append(("marc", m.group(1)))
        pos = m.end()
    if pos < len(body):
        parts.append(("md", body[pos:]))
    return parts


def _marc_html(text: str) -> Markup:
    from app.catalog.editor import parse
    from app.marc.display import brief, marc_view

    try:
        parsed = parse(text, check=False)
        record = parsed.record
    except Exception:  # noqa: BLE001 - a reader's paste must never break the page
        record = None
    if record is None:
        return Markup('<pre class="marc-source"><code>{}</code></pre>').format(text)
    try:
        line = brief(record)
    except Exception:  # noqa: BLE001
        line = ""
    return Markup('<figure class="marc-record"><figcaption>{}</figcaption><pre class="marc">{}</pre></figure>'
                  ).format(line, marc_view(record))


def render_post(body: str | None) -> Markup:
    out = Markup("")
    for kind, text in split_marc(body or ""):
        out += _marc_html(text) if kind == "marc" else render_markdown(text)
    return out


def plain_text(body: str | None) -> str:
    """The words a reader sees (Markdown syntax and tags dropped), for search."""
    rendered = str(render_post(body))
    text = html.unescape(nh3.clean(rendered, tags=set()))
    return re.sub(r"\s+", " ", text).strip()


def quote(body: str, author: str, intro: str) -> str:
    """The body quoted as Markdown (`> ` lines) after an attribution line, ready for a reply."""
    lines = [f"> {intro}", ">"] + [f"> {line}" if line else ">" for line in (body or "").strip().splitlines()]
    return "\n".join(lines) + "\n\n"

