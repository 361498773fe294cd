"""Images a question shows (a title page, a verso with its CIP block, a colophon), referenced from
its Markdown as `![题名页](image:titlepage.png)`.

Images belong to the question, not to one version, so they are immutable by name: a changed image
needs a new name (and a new version that refers to it), and a paper already taken keeps showing
exactly what its candidate saw. Who may see one: the bank's authors; a candidate whose paper holds
the question; anyone who may practise, for a practice question.
"""
from __future__ import annotations

import hashlib

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from app.accounts import audit
from app.core import images
from app.core.errors import DomainError
from app.core.markdown import render_markdown
from app.extensions import db
from app.permissions import PRACTISE, QUESTION_AUTHOR, require

from .models import Question, QuestionAsset, QuestionVersion


def add(actor, q: Question, data: bytes, filename: str | None = None, name: str | None = None) -> QuestionAsset:
    require(QUESTION_AUTHOR, actor, _l("Only trainers and experts may write or review questions."))
    mime = images.checked(data)
    name = images.safe_name(filename, name, mime, f"image-{len(q.assets) + 1}")
    digest = hashlib.sha256(data).hexdigest()
    existing = get(q.id, name)
    if existing is not None:
        if existing.sha256 == digest:
            return existing
        raise DomainError(_l("This question already has an image called %(name)s; give the new one another "
                             "name, so that papers already taken keep theirs.", name=name), "name")
    asset = QuestionAsset(question_id=q.id, name=name, mime=mime, sha256=digest, data=data)
    db.session.add(asset)
    db.session.flush()
    audit.record(actor, "question.image_added", q, code=q.code, image=name, sha256=digest, size=len(data))
    db.session.commit()
    return asset


def get(question_id: int, name: str) -> QuestionAsset | None:
    if not images.NAME.match(name or ""):
        return None
    return db.session.scalar(select(QuestionAsset).where(QuestionAsset.question_id == question_id,
                                                         QuestionAsset.name == name))


def may_see(user, q: Question) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if QUESTION_AUTHOR(user) or (q.for_practice and PRACTISE(user)):
        return True
    from app.certification.attempt_models import Attempt, AttemptItem
    from app.certification.models import Registration

    return db.session.scalar(
        select(AttemptItem.id).join(Attempt).join(Registration)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(Registration.user_id == user.id, QuestionVersion.question_id == q.id).limit(1)) is not None


def markdown(text: str | None, question_id: int) -> Markup:
    """The question's Markdown with its `image:NAME` references pointing at the image route."""
    return render_markdown(images.rewrite(
        text, lambda n: url_for("exams.question_image", question_id=question_id, name=n)))
