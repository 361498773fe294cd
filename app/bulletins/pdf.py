"""The printed issue: A4, WeasyPrint, Noto Sans CJK SC, never touching the network.

The HTML is made by a plain Jinja environment with autoescaping (usable from the CLI, with no
request), section bodies go through render_markdown like on the web page, and images are
addressed to an internal URL that `images.pdf_fetcher` answers from the database — every other
URL (http, file, data) is refused, so a Markdown link to another server fetches nothing.
"""
from __future__ import annotations

from app.core.markdown import render_markdown
from app.core.pdf import html_to_pdf, render_html as render_template_html

from . import images
from .models import Bulletin

TEMPLATE = "bulletins/pdf.html"
BULLETIN_NAME = "联机编目中心简报"
KIND_ZH = {"news": "中心动态", "practice": "编目实践", "training": "培训信息", "statistics": "数据统计",
           "qa": "问答选登"}


def render_html(b: Bulletin) -> str:
    bodies = [render_markdown(images.rewrite(s.body, lambda n: images.internal_url(b.id, n)))
              for s in b.sections]
    date = f"{b.issue_date.year}年{b.issue_date.month}月{b.issue_date.day}日" if b.issue_date else "（未出版）"
    return render_template_html(TEMPLATE, b=b, sections=list(zip(b.sections, bodies)), kinds=KIND_ZH,
                                name=BULLETIN_NAME, date=date)


def fetcher(bulletin_id: int):
    """A WeasyPrint URL fetcher serving this issue's images from the database and refusing
    anything else: no network, no files, no data: URLs (a refusal is a skipped image)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    prefix = f"{images.INTERNAL}{bulletin_id}/"

    class OwnImagesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            name = url[len(prefix):] if url.startswith(prefix) else ""
            img = images.by_name(bulletin_id, name) if images.NAME.match(name) else None
            if img is None:
                raise ValueError(f"bulletin PDF: refusing to fetch {url[:100]!r}")
            return URLFetcherResponse(url, img.data, {"Content-Type": img.mime})

    return OwnImagesOnly(allowed_protocols=("https",), allow_redirects=False)


def render_pdf(b: Bulletin) -> bytes:
    return html_to_pdf(render_html(b), url_fetcher=fetcher(b.id), base_url=images.INTERNAL)
