"""Browser tests: the real pages, served by a real server, driven through Debian's Chromium.

The server runs in a thread on 127.0.0.1 with its own SQLite database built by the migrations, CSRF
on, as in production. Chromium is /usr/bin/chromium (never a downloaded browser); when it is missing
the tests are skipped on a developer's machine and fail under CI=true.
"""
import os
import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests.conftest import IN_CI, build_app, empty_tables

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
