"""The Atom 1.0 feed of published issues, written with xml.etree (feedgen is not installed, and
no dependency is added for thirty lines). ElementTree escapes text and attributes; characters XML
cannot hold at all (C0 controls) are dropped first."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Callable

from .models import Bulletin

ATOM = "http://www.w3.org/2005/Atom"
_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SUMMARY_CHARS = 300


def _text(s: str | None) -> str:
    return _INVALID.sub("", s or "")


def _stamp(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds").replace("+00:00", "Z")


def _add(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _text(text)
    return el


def build(issues: list[Bulletin], *, feed_url: str, home_url: str, title: str, author: str,
          issue_url: Callable[[Bulletin], str], pdf_url: Callable[[Bulletin], str],
          summary: Callable[[Bulletin], str], updated: datetime) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", feed_url)
    _add(feed, "title", title)
    _add(feed, "updated", _stamp(max([b.published_at for b in issues], default=updated)))
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=home_url)
    _add(_add(feed, "author"), "name", author)
    for b in issues:
        entry = _add(feed, "entry")
        _add(entry, "id", issue_url(b))
        _add(entry, "title", f"{b.label_zh} {b.title_zh}")
        _add(entry, "published", _stamp(b.published_at))
        _add(entry, "updated", _stamp(b.published_at))
        _add(entry, "link", rel="alternate", type="text/html", href=issue_url(b))
        _add(entry, "link", rel="enclosure", type="application/pdf", href=pdf_url(b))
        _add(entry, "summary", summary(b)[:SUMMARY_CHARS], type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
