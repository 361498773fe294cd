"""Images of an issue: checked by their first bytes, kept in the database, named from Markdown.

A section shows an image with `![caption](image:NAME)`. Before the Markdown is rendered the
reference is rewritten to a URL we serve (the page) or to an internal address that only our own
url_fetcher answers (the PDF). The file name and the browser's Content-Type are never trusted:
the type comes from the magic bytes, so an SVG, an HTML page or a script called `x.png` is refused.
"""
from __future__ import annotations

import hashlib

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import audit
from app.core.errors import DomainError, NotFound
from app.extensions import db

from app.core.images import MAX_BYTES, NAME, REFERENCE, checked, rewrite, safe_name, sniff  # noqa: F401

from .models import Bulletin, BulletinImage
from .services import _editable, _touch

# The PDF's images live here; the fetcher answers these URLs from the database and nothing else.
INTERNAL = "https://bulletin-images.invalid/"


def add(actor, b: Bulletin, data: bytes, filename: str | None = None, name: str | None = None,
        commit: bool = True) -> BulletinImage:
    _editable(actor, b)
    mime = checked(data)
    name = safe_name(filename, name, mime, f"image-{len(b.images) + 1}")
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


def internal_url(bulletin_id: int, name: str) -> str:
    return f"{INTERNAL}{bulletin_id}/{name}"
