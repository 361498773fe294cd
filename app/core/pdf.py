"""Printed documents (certificates, the bulletin, statements): Jinja HTML turned into PDF by WeasyPrint.

One environment for all of them, usable without a Flask app (a CLI can print in bulk): autoescaping
on, so a name or title containing markup is printed as text; the Chinese face named explicitly
(Debian's fonts-noto-cjk), because WeasyPrint's fallback depends on fontconfig and may pick a
Japanese one; and no URL fetched unless the caller passes a fetcher for its own resources, so a
link or image in user text can never make the server reach the network or the disk.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FONT_FAMILY = "Noto Sans CJK SC"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["date_zh"] = lambda d: f"{d.year}年{d.month}月{d.day}日"
    env.filters["date_en"] = lambda d: f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    env.filters["money"] = lambda d: f"{d:.2f}"
    env.filters["pct"] = lambda d: "-" if d is None else f"{d.normalize():f}"
    env.globals["font_family"] = FONT_FAMILY
    return env


def render_html(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def refuse_all():
    """A WeasyPrint fetcher that fetches nothing (a refused image is skipped, the PDF still made)."""
    from weasyprint.urls import URLFetcher

    class RefuseAll(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"printed documents fetch nothing: {url[:80]!r}")

    return RefuseAll(allowed_protocols=(), allow_redirects=False)


def html_to_pdf(html: str, url_fetcher=None, base_url: str | None = None) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is really made

    return HTML(string=html, base_url=base_url or str(TEMPLATES),
                url_fetcher=url_fetcher or refuse_all()).write_pdf()
