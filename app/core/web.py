"""Request-level wiring: sign-in loading, error pages, template helpers, security headers."""
from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.core.errors import DomainError, NotFound, PermissionDenied
from app.extensions import login_manager

from . import nav


class _NulInRequest(Exception):
    """A form or address holding U+0000, refused before any view (configure)."""


def configure(app: Flask) -> None:
    from app.accounts.services import load_session_user

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_session_user)

    @app.context_processor
    def _helpers():
        return {
            "nav_items": nav.items(current_user),
            "current_locale": str(get_locale()),
            "fmt_dt": lambda dt: format_datetime(dt, "yyyy-MM-dd HH:mm") if dt else "",
            "fmt_date": lambda d: format_date(d, "yyyy-MM-dd") if d else "",
            "localized": _localized,
            "unread_notifications": _unread_notifications,
        }

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        return resp

    def _page(code: int, title, message):
        return render_template("errors/error.html", code=code, title=title, message=message), code

    app.register_error_handler(400, lambda e: _page(400, _l("Bad request"), _l("The request could not be understood.")))
    app.register_error_handler(403, lambda e: _page(403, _l("Not permitted"), _l("You do not have permission to see this page.")))
    app.register_error_handler(404, lambda e: _page(404, _l("Page not found"), _l("The page or record you asked for does not exist.")))
    app.register_error_handler(405, lambda e: _page(405, _l("Not allowed"), _l("This action cannot be done that way.")))
    app.register_error_handler(413, lambda e: _page(413, _l("File too large"), _l("The file you sent is larger than the portal accepts.")))
    app.register_error_handler(429, lambda e: _page(429, _l("Too many requests"), _l("Please wait a moment and try again.")))
    app.register_error_handler(500, lambda e: _page(500, _l("Something went wrong"), _l("An error occurred on our side. It has been logged; please try again later.")))
    app.register_error_handler(PermissionDenied, lambda e: _page(403, _l("Not permitted"), e.message))
    app.register_error_handler(NotFound, lambda e: _page(404, _l("Page not found"), e.message))

    @app.before_request
    def _no_nul():
        # No text column of PostgreSQL's holds a NUL character: a form or address carrying one failed at
        # the write (a 500). Refused here for every page; SRU answers with its own diagnostic instead.
        if request.blueprint == "sru":
            return None
        for values in (request.args, request.form if request.method == "POST" else None):
            if values and any("\x00" in v for _, vs in values.lists() for v in vs):
                raise _NulInRequest()
        return None

    app.register_error_handler(_NulInRequest, lambda e: _page(
        400, _l("Bad request"), _l("The request holds a NUL character (U+0000), which no text here may contain.")))

    @app.errorhandler(CSRFError)
    def _csrf(e):
        return _page(400, _l("Form expired"), _l("The form was open too long or came from another site. Please reload the page and try again."))

    @app.errorhandler(DomainError)
    def _domain(e):  # a rule broken outside a form: say so and go back
        flash(e.message, "error")
        return redirect(request.referrer or url_for("core.home"))


def _unread_notifications() -> int:
    """Called by the page header only for signed-in users; one COUNT on an indexed column."""
    from app.notify.services import unread_count

    return unread_count(current_user)


def _localized(obj, field: str) -> str:
    """`name_zh`/`name_en` pairs: English when the reader chose English and it exists."""
    zh = getattr(obj, f"{field}_zh", None)
    en = getattr(obj, f"{field}_en", None)
    if str(get_locale()).startswith("en") and en:
        return en
    return zh or en or ""


