"""Files sent with a question: at most three, 2 MB each, their type read from the first bytes.

The name and the browser's Content-Type are never trusted. Text (a MARC file in MarcMaker or ISO
2709 form, a log) must be UTF-8 without NUL bytes; it is always served as text/plain, as an
attachment with nosniff, so an uploaded HTML page can never run in the portal's origin.
"""
from __future__ import annotations

import hashlib
import re

from flask_babel import lazy_gettext as _l

from app.core import images
from app.core.errors import DomainError

from .models import ConsultAttachment

MAX_FILES = 3
MAX_BYTES = 2 * 1024 * 1024
_SAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def sniff(data: bytes) -> str | None:
    image = images.sniff(data)
    if image in ("image/png", "image/jpeg"):
        return image
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


def safe_name(filename: str | None, mime: str, n: int) -> str:
    stem = _SAFE.sub("-", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip("-.")[:100]
    if not stem:
        stem = f"attachment-{n}." + {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf"}.get(mime, "txt")
    return stem


def check(files: list[tuple[str | None, bytes]]) -> list[tuple[str, str, bytes]]:
    """(filename, data) pairs → (safe name, mime, data); empty parts (no file chosen) are dropped."""
    files = [(name, data) for name, data in files if data]
    if len(files) > MAX_FILES:
        raise DomainError(_l("At most %(n)d files.", n=MAX_FILES), "attachments")
    out = []
    for i, (name, data) in enumerate(files, 1):
        if len(data) > MAX_BYTES:
            raise DomainError(_l("%(name)s is larger than 2 MB.", name=name or i), "attachments")
        mime = sniff(data)
        if mime is None:
            raise DomainError(_l("%(name)s is not a PNG, JPEG, PDF or plain-text (MARC) file.", name=name or i),
                              "attachments")
        out.append((safe_name(name, mime, i), mime, data))
    return out


def build(question, uploader, checked: list[tuple[str, str, bytes]]) -> list[ConsultAttachment]:
    return [ConsultAttachment(question=question, filename=name, mime=mime, size=len(data), data=data,
                              sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=uploader.id)
            for name, mime, data in checked]
