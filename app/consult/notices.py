"""Telling people about a question: in the site (app.notify) and by mail, in the caller's transaction."""
from __future__ import annotations

from flask import current_app

from app.mail import services as mail
from app.notify.services import notify


def question_link(question_id: int) -> str:
    # Built by hand: the escalation runs from cron, outside any request.
    return f"/consult/questions/{question_id}"


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def tell(user, kind: str, text: str, question_id: int) -> None:
    if user is None:
        return
    link = question_link(question_id)
    notify(user, "consult_" + kind, text, link)
    if user.email:
        mail.queue(user.email, f"[编目业务咨询] {text}",
                   f"{text}\n\n{absolute(link)}\n\n— 联机编目中心 编目业务咨询台", kind="consult_" + kind)
