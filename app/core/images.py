"""Images people upload (bulletin illustrations, title pages of exam tasks): checked by their first
bytes, named safely, and referenced from Markdown as `![caption](image:NAME)`.

The file name and the browser's Content-Type are never trusted: the type comes from the magic
bytes, so an SVG, an HTML page or a script called `x.png` is refused. A reference is rewritten to a
URL we serve before the Markdown is rendered (and sanitised) by app.core.markdown.
"""
from __future__ import annotations

import re
from typing import Callable

from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError

MAX_BYTES = 2 * 1024 * 1024
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
# `](image:NAME)` or `](image:NAME "title")` — inline images and links only.
REFERENCE = re.compile(r"\]\(\s*<?image:([A-Za-z0-9][A-Za-z0-9._-]{0,59})>?(?=[\s)])")


def sniff(data: bytes) -> str | None:
    """The image type from the first bytes, or None if it is none of the four we accept."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def checked(data: bytes) -> str:
    """The MIME type of an acceptable upload, or a DomainError saying what is wrong with it."""
    if not data:
        raise DomainError(_l("Choose an image file."), "file")
    if len(data) > MAX_BYTES:
        raise DomainError(_l("An image is at most 2 MB."), "file")
    mime = sniff(data)
    if mime is None:
        raise DomainError(_l("Only PNG, JPEG, GIF and WebP images are accepted."), "file")
    return mime


def safe_name(filename: str | None, name: str | None, mime: str, fallback: str) -> str:
    ext = EXTENSIONS[mime]
    if name and name.strip():
        stem = name.strip()
    else:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", (filename or "").rsplit("/", 1)[-1]).strip("-._")
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    result = f"{(stem or fallback)[:50]}.{ext}"
    if not NAME.match(result):
        raise DomainError(_l("An image name uses only letters, digits, '.', '-' and '_'."), "name")
    return result


def rewrite(markdown: str | None, url_for_name: Callable[[str], str]) -> str:
    """`image:NAME` references replaced by URLs; the result still goes through render_markdown."""
    return REFERENCE.sub(lambda m: "](" + url_for_name(m.group(1)), markdown or "")


def serve_headers(mime: str) -> dict:
    """Headers for sending a stored image: its sniffed type only, never rendered as anything else."""
    return {"Content-Type": mime, "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private, max-age=3600"}
