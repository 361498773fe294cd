"""The XSS payload list in a real browser (Debian's Chromium): a published issue whose title,
section titles and bodies carry script is opened, searched and listed; nothing runs, and the
DOM holds no script, event handler or javascript: URL of ours."""
import pytest

from tests import factories as gen

from .helpers import people, published
from .test_views import XSS

pytestmark = pytest.mark.browser

DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('main *')) {
    if (el.tagName === 'SCRIPT' || el.tagName === 'IFRAME' || el.tagName.toLowerCase() === 'svg') bad.push(el.tagName);
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) bad.push(el.tagName + '@' + a.name);
      if (['href', 'src'].includes(a.name) && /^\\s*javascript:/i.test(a.value)) bad.push(el.tagName + '@' + a.name);
    }
  }
  return bad;
}"""


def test_payloads_do_not_run_in_chromium(page, live):
    p = people(gen)
    b = published(p["author"], p["reviewer"], title="<img src=x onerror=alert('title')>简报",
                  sections=[("qa", "<script>alert('section')</script>", "\n\n".join(XSS))])
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = live.config["LIVE_URL"]
    for path in (f"/bulletins/issues/{b.id}", "/bulletins/", "/bulletins/search?q=alert",
                 "/bulletins/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"):
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.evaluate(DOM_CHECK) == [], path
    page.goto(base + f"/bulletins/issues/{b.id}")
    assert "<script>alert('section')</script>" in page.locator("main h2").first.inner_text()
    assert dialogs == []
