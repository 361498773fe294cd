"""Bianmu: the portal of a union-catalogue cooperative cataloguing centre."""
import os

from flask import Flask

from .config import load_config


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application. No side effects: no database writes, no network, no migrations."""
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None,
                instance_relative_config=True)
    app.config.update(load_config(app.instance_path, overrides))

    from . import extensions as ext

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    ext.csrf.init_app(app)
    ext.login_manager.init_app(app)

    from .core import i18n, sqlite, web

    ext.babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    sqlite.configure(app)
    _import_models()
    from .core.converters import BoundedInt

    app.url_map.converters["int"] = BoundedInt  # before the routes are added: they bind it then
    _register_blueprints(app)
    web.configure(app)
    _register_cli(app)
    if app.config["TRUSTED_PROXIES"]:
        # Client addresses (login throttling) and https links come from the proxy's headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def _import_models() -> None:
    # Every model module, so that relationships resolve and Alembic sees the whole schema.
    from .accounts import models as _a  # noqa: F401
    from .billing import models as _bi  # noqa: F401
    from .billing import batch_models as _bb  # noqa: F401
    from .bulletins import models as _bu  # noqa: F401
    from .catalog import models as _c  # noqa: F401
    from .catalog import workflow_models as _cw  # noqa: F401
    from .certification import attempt_models as _xa  # noqa: F401
    from .certification import models as _x  # noqa: F401
    from .consult import faq_models as _cf  # noqa: F401
    from .consult import models as _cq  # noqa: F401
    from .consult import roster_models as _cr  # noqa: F401
    from .mail import models as _m  # noqa: F401
    from .members import models as _l  # noqa: F401
    from .forum import history_models as _fh  # noqa: F401
    from .forum import models as _f  # noqa: F401
    from .forum import tracking_models as _ft  # noqa: F401
    from .notify import models as _nt  # noqa: F401
    from .questions import models as _q  # noqa: F401
    from .stats import models as _st  # noqa: F401  (indexes the statistics read)
    from .training import models as _t  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .catalog.views import headings as _headings  # noqa: F401  (adds its routes to catalog_bp)
    from .catalog.views import history as _history  # noqa: F401  (adds its routes to catalog_bp)
    from .catalog.views.opac import bp as catalog_bp
    from .catalog.editing.views import bp as cataloguing_bp
    from .catalog.external.views import bp as external_bp
    from .catalog.sru.views import bp as sru_bp
    from .core.views import bp as core_bp
    from .members.views import bp as members_bp
    from .questions.views import bp as questions_bp
    from .certification.practice_views import bp as practice_bp

    for bp in (core_bp, accounts_bp, members_bp, admin_bp, sru_bp, cataloguing_bp, catalog_bp,
               external_bp, questions_bp, practice_bp):
        app.register_blueprint(bp)

    from .certification.views import bp as exams_bp
    from .certification.views import verify_bp

    app.register_blueprint(exams_bp)
    app.register_blueprint(verify_bp)

    from .certification.admin_views import bp as exam_admin_bp

    app.register_blueprint(exam_admin_bp)

    from .bulletins.views import bp as bulletins_bp

    app.register_blueprint(bulletins_bp)

    from .training.views import bp as training_bp

    app.register_blueprint(training_bp)

    from .consult.views import bp as consult_bp

    app.register_blueprint(consult_bp)

    from .notify.views import bp as notify_bp

    app.register_blueprint(notify_bp)

    from .forum.views import bp as forum_bp

    app.register_blueprint(forum_bp)

    from .billing.views import bp as billing_bp

    app.register_blueprint(billing_bp)

    from .billing.batch_views import bp as batch_bp
    from .stats.views import bp as stats_bp

    app.register_blueprint(batch_bp)
    app.register_blueprint(stats_bp)


def _register_cli(app: Flask) -> None:
    from .accounts.cli import accounts_group
    from .catalog.cli import catalog_group
    from .catalog.external import cli as _external_cli  # noqa: F401 - adds `catalog fetch`
    from .demo.cli import demo_group
    from .mail.cli import mail_group
    from .marc.cli import marc_group
    from .questions.cli import questions_group
    from .certification.cli import exams_group

    for group in (accounts_group, catalog_group, demo_group, mail_group, marc_group, questions_group,
                  exams_group):
        app.cli.add_command(group)

    from .consult.cli import consult_group

    app.cli.add_command(consult_group)

    from .billing import batch_cli as _batch_cli  # noqa: F401 - adds `billing batch-work`
    from .billing.cli import billing_group

    app.cli.add_command(billing_group)
