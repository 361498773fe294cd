"""Script posted to the forum never runs: a cataloguer posts the XSS payload list through the
real forms, and the real browser opens no dialog and holds no element the payload tried to add."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.demo.cli import seed
from app.demo.data import DEMO_PASSWORD
from app.extensions import db
from app.forum.demo import seed_forum
from app.forum.models import Board, Topic
from app.forum.posting import first_post_id

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "```marc\n=LDR  00000nam0 2200000   450 \n=200  1\\$a<script>alert(1)</script>$f<img src=x onerror=alert(1)>\n```",
    "```marc\n<script>alert(1)</script>\n```",
]

# Anything a payload could have added: inline scripts or scripts from elsewhere, event handlers,
# svg elements, javascript: links.
INJECTED = """() => ({
  scripts: Array.from(document.scripts).filter(s => !s.src || !s.src.startsWith(location.origin + '/static/')).length,
  handlers: document.querySelectorAll('[onerror],[onload],[onclick],[onmouseover]').length,
  svgs: document.querySelectorAll('main svg').length,
  jslinks: Array.from(document.querySelectorAll('a[href]')).filter(a => a.href.trim().toLowerCase().startsWith('javascript:')).length,
})"""
CLEAN = {"scripts": 0, "handlers": 0, "svgs": 0, "jslinks": 0}


def _sign_in(page, base, email):
    page.goto(base + "/account/login")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_xss_payloads_stay_text_in_the_browser(page, live):
    seed()
    seed_forum()
    base = live.config["LIVE_URL"]
    saved = live.config.get("FORUM_POSTS_PER_MINUTE")
    live.config["FORUM_POSTS_PER_MINUTE"] = 100  # the payloads go in one after another
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        _sign_in(page, base, "cataloguer@bianmu.example.org")
        board = db.session.scalar(select(Board).where(Board.name_zh == "CNMARC"))
        page.goto(f"{base}/forum/boards/{board.id}/new")
        page.locator("input[name=title]").fill('"><script>alert(1)</script> 标题')
        page.locator("textarea[name=body]").fill(PAYLOADS[0])
        page.locator("form.editor button[type=submit]").click()
        expect(page.locator(".flash.success")).to_be_visible()
        for payload in PAYLOADS[1:]:
            page.locator("textarea[name=body]").fill(payload)
            page.locator("form.editor button[type=submit]").click()
            expect(page.locator(".flash.success")).to_be_visible()
        topic = db.session.scalar(select(Topic).where(Topic.title.like("%标题")))
        first = first_post_id(topic)
        page.goto(f"{base}/forum/posts/{first}/edit")  # the old body goes to the history page
        page.locator("textarea[name=body]").fill(PAYLOADS[1] + "\n\n" + PAYLOADS[3])
        page.locator("form.editor button[type=submit]").click()
        expect(page.locator(".flash.success")).to_be_visible()
        for url in (f"/forum/topics/{topic.id}", f"/forum/boards/{board.id}", "/forum/search?q=alert",
                    f"/forum/posts/{first}/history", "/notifications/"):
            page.goto(base + url)
            page.wait_for_load_state("load")
            assert page.evaluate(INJECTED) == CLEAN, url
        # the payloads are there, as text
        page.goto(f"{base}/forum/topics/{topic.id}")
        expect(page.locator("h1")).to_contain_text("<script>alert(1)</script>")
        expect(page.locator(".post-body", has_text="<script>alert(1)</script>").first).to_be_visible()
        expect(page.locator("pre.marc").first).to_contain_text("$a<script>alert(1)</script>")
        # the quote button puts a quoted payload into the reply box, still as text
        page.locator("a.quote").nth(1).click()
        expect(page.locator("textarea[name=body]")).to_have_value(
            re.compile(r"^> .*\n>\n> <img src=x onerror=alert\(1\)>", re.S))
        page.locator("form.editor button[type=submit]").click()
        expect(page.locator(".flash.success")).to_be_visible()
        assert page.evaluate(INJECTED) == CLEAN
        assert page.locator("blockquote").count() >= 1
    finally:
        live.config["FORUM_POSTS_PER_MINUTE"] = saved
    assert dialogs == []
