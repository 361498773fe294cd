"""XSS payloads in a session's title and Markdown description, opened in a real browser (Chromium):
no dialog opens, no script runs, and no link in the description leads to javascript: or data:."""
from datetime import timedelta

import pytest

from app.core.types import utcnow
from app.training import services
from app.training.models import SHANGHAI
from tests import factories

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('img')>",
    "<svg onload=alert('svg')></svg>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<a href=\"javascript:alert('a')\">a</a>",
    "[md link](javascript:alert('md'))",
    "[mixed case](JaVaScRiPt:alert('case'))",
    "[entity](&#106;avascript:alert('entity'))",
    "![md image](javascript:alert('image'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<details open ontoggle=alert('details')>",
    "`<script>alert('code')</script>`",
]


def test_payloads_in_a_session_are_inert(page, live):
    trainer = factories.gen_user("cataloguer", "trainer", library=factories.gen_library())
    today = utcnow().astimezone(SHANGHAI).date()
    s = services.create_session(
        trainer, kind="general", title_zh="\"><script>alert('title')</script>", title_en="<img src=x onerror=alert(1)>",
        description="\n\n".join(PAYLOADS), mode="city", city="<b onmouseover=alert('city')>武汉</b>", venue=None,
        online_url=None, starts_on=today + timedelta(days=5), ends_on=today + timedelta(days=5),
        registration_closes_at=utcnow() + timedelta(days=2), capacity=None)
    services.publish(trainer, s)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = live.config["LIVE_URL"]
    for path in (f"/training/sessions/{s.id}", "/training/"):
        page.goto(base + path)
        page.wait_for_load_state("load")
        page.mouse.move(200, 300)
    page.goto(base + f"/training/sessions/{s.id}")
    hrefs = page.eval_on_selector_all(".description a[href], .description img[src]",
                                      "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))")
    assert all(not h.strip().lower().startswith(("javascript:", "data:")) for h in hrefs), hrefs
    handlers = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(
        e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))""")
    assert handlers == []
    assert page.evaluate("document.querySelectorAll('main script, main iframe, main svg').length") == 0
    assert dialogs == []
