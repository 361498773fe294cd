"""Signed, expiring links for activation and password reset.

A token carries the user's security stamp: once the password is set the stamp changes and the
link stops working, so a link can be used only once.
"""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PURPOSES = ("activate", "reset")


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"bianmu-{purpose}")


def make(user, purpose: str) -> str:
    assert purpose in PURPOSES
    return _serializer(purpose).dumps({"u": user.id, "s": user.security_stamp})


def read(token: str, purpose: str, max_age_hours: int | None = None) -> tuple[int, str] | None:
    hours = max_age_hours or current_app.config["TOKEN_MAX_AGE_HOURS"]
    try:
        data = _serializer(purpose).loads(token, max_age=hours * 3600)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or "u" not in data or "s" not in data:
        return None
    return int(data["u"]), str(data["s"])
