"""Test databases are built through the migrations, on SQLite always and on PostgreSQL too.

PostgreSQL is `TEST_DATABASE_URL` (default: the CI service). When it cannot be reached the
PostgreSQL half is skipped on a developer's machine and fails under CI=true.
"""
import atexit
import contextvars
import os
import threading
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from flask.testing import FlaskClient
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgresql"]


def _reachable(url: str) -> str | None:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any reason at all: report it
        return str(exc).splitlines()[0]


def _fresh_postgres(url: str) -> str:
    """A database of this test session's own, so that parallel runs never lock each other out.

    Made beside TEST_DATABASE_URL's database and dropped at exit; where the role may not create
    databases, TEST_DATABASE_URL's own public schema is emptied instead.
    """
    base = sa.engine.make_url(url)
    name = f"{base.database}_{os.getpid()}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.DBAPIError:
        with engine.connect() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        return url
    finally:
        engine.dispose()
    atexit.register(_drop_database, base, name)
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_database(base, name: str) -> None:
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except sa.exc.DBAPIError:
        pass
    finally:
        engine.dispose()


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def build_app(backend: str):
    """A test application on a freshly migrated database of the given engine."""
    tmp = Path(tempfile.mkdtemp(prefix="bianmu-test-"))
    if backend == "postgresql":
        problem = _reachable(PG_URL)
        if problem:
            if IN_CI:
                pytest.fail(f"PostgreSQL at {PG_URL} is required under CI=true: {problem}")
            pytest.skip(f"PostgreSQL not reachable ({problem})")
        url = _fresh_postgres(PG_URL)
    else:
        url = f"sqlite:///{tmp / 'test.db'}"
    application = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-" + "x" * 40,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SERVER_NAME": "portal.test",
        "PUBLIC_BASE_URL": "http://portal.test",
        "MAIL_BACKEND": "outbox",
    })
    application.config["BACKEND"] = backend
    _migrate(application)
    return application


@pytest.fixture(scope="session", params=BACKENDS)
def app(request):
    application = build_app(request.param)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An application context whose tables are emptied afterwards, whatever the test did."""
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
        empty_tables()


def empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(t.delete())
            conn.execute(sa.text("DELETE FROM record_fts"))  # the FTS5 table has no model


class IsolatedClient(FlaskClient):
    """Each request runs in an empty context, so it gets its own application context, `g` and
    database session, as in production, instead of sharing the test's."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(ctx):
    ctx.test_client_class = IsolatedClient
    return ctx.test_client()


@pytest.fixture
def gen(ctx):
    from tests import factories

    return factories


# --- browser tests ------------------------------------------------------------------------------
# The real pages, served by a real server, driven through Debian's Chromium. The server runs in a
# thread on 127.0.0.1 with its own SQLite database built by the migrations, CSRF on, as in
# production. Chromium is /usr/bin/chromium (never a downloaded browser); when it is missing the
# tests are skipped on a developer's machine and fail under CI=true. The fixtures live here, once,
# because two Playwright sessions cannot run in one thread.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def live_app():
    app = build_app("sqlite")
    app.config.update(WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{port}"
    yield app
    server.shutdown()


@pytest.fixture
def live(live_app):
    with live_app.app_context():
        yield live_app
        db.session.remove()
        empty_tables()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is required under CI=true (make install installs it)")
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
