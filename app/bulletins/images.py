"""Images of an issue: checked by their first bytes, kept in the database, named from Markdown.

A section shows an image with `![caption](image:NAME)`. Before the Markdown is rendered the
reference is rewritten to a URL we serve (the page) or to an internal address that only our own
url_fetcher answers (the PDF). The file name and the browser's Content-Type are never trusted:
the type comes from the magic bytes, so an SVG, an HTML page or a script called `x.png` is refused.
"""
from __future__ import annotations

import hashlib
import re
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import audit
from app.core.errors import DomainError, NotFound
from app.extensions import db

from .models import Bulletin, BulletinImage
from .services import _editable, _touch

MAX_BYTES = 2 * 1024 * 1024
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
# `](image:NAME)` or `](image:NAME "title")` — inline images and links only.
REFERENCE = re.compile(r"\]\(\s*<?image:([A-Za-z0-9][A-Za-z0-9._-]{0,59})>?(?=[\s)])")
# The PDF's images live here; the fetcher answers these URLs from the database and nothing else.
INTERNAL = "https://bulletin-images.invalid/"


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


def _name_for(filename: str | None, name: str | None, mime: str, b: Bulletin) -> str:
    ext = EXTENSIONS[mime]
    if name and name.strip():
        stem = name.strip()
    else:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", (filename or "").rsplit("/", 1)[-1]).strip("-._")
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    if not stem:
        stem = f"image-{len(b.images) + 1}"
    result = f"{stem[:50]}.{ext}"
    if not NAME.match(result):
        raise DomainError(_l("An image name uses only letters, digits, '.', '-' and '_'."), "name")
    return result


def add(actor, b: Bulletin, data: bytes, filename: str | None = None, name: str | None = None,
        commit: bool = True) -> BulletinImage:
    _editable(actor, b)
    if not data:
        raise DomainError(_l("Choose an image file."), "file")
    if len(data) > MAX_BYTES:
        raise DomainError(_l("An image is at most 2 MB."), "file")
    mime = sniff(data)
    if mime is None:
        raise DomainError(_l("Only PNG, JPEG, GIF and WebP images are accepted."), "file")
    name = _name_for(filename, name, mime, b)
    if any(img.name == name for img in b.images):
        raise DomainError(_l("The issue has an image called %(name)s already.", name=name), "name")
    img = BulletinImage(bulletin=b, name=name, mime=mime, size=len(data), data=data,
                        sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=actor.id)
    db.session.add(img)
    db.session.flush()
    audit.record(actor, "bulletin.image_added", b, image=name, sha256=img.sha256, size=len(data))
    _touch(b, commit)
    return img


def get(image_id: int) -> BulletinImage:
    img = db.session.get(BulletinImage, image_id)
    if img is None:
        raise NotFound(_l("No such image."))
    return img


def remove(actor, img: BulletinImage, commit: bool = True) -> None:
    b = img.bulletin
    _editable(actor, b)
    audit.record(actor, "bulletin.image_deleted", b, image=img.name, sha256=img.sha256)
    b.images.remove(img)
    _touch(b, commit)


def by_name(bulletin_id: int, name: str) -> BulletinImage | None:
    return db.session.scalar(select(BulletinImage).where(BulletinImage.bulletin_id == bulletin_id,
                                                         BulletinImage.name == name))


def rewrite(markdown: str | None, url_for_name: Callable[[str], str]) -> str:
    """`image:NAME` references replaced by URLs; the result still goes through render_markdown."""
    return REFERENCE.sub(lambda m: "](" + url_for_name(m.group(1)), markdown or "")


def internal_url(bulletin_id: int, name: str) -> str:
    return f"{INTERNAL}{bulletin_id}/{name}"
