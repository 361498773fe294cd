"""THE PROOF: a bulletin PDF is rendered and its text (Chinese included) read back and checked.

A published issue with Chinese sections and an uploaded image is rendered through the web route;
pypdf reads back the title, the issue number and the section text, finds the image embedded and
Noto Sans CJK as the embedded font. The renderer fetches nothing over the network: only this
issue's images, from the database."""
from __future__ import annotations

import io
import urllib.request
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from app.bulletins import images
from app.bulletins.pdf import fetcher, render_html

from .helpers import image_bytes, people, published

SECTIONS = [
    ("news", "中心动态：第四季度成员馆会议召开", "来自三十余家成员馆的编目员参加了会议，讨论了**联合目录**数据质量。"),
    ("practice", "编目实践：CNMARC 200字段与690字段",
     "200字段著录正题名、并列题名和责任说明；690字段记录《中国图书馆分类法》分类号。\n\n"
     "![题名页示例](image:fig1.png)\n\n外部图片不会被取用：![外链](https://example.com/remote.png)"),
    ("qa", "问答选登", "问：丛编题名应著录在哪个字段？\n\n答：225字段，并在410字段建立连接。"),
]


@pytest.fixture
def issue(gen):
    p = people(gen)
    return published(p["author"], p["reviewer"], datetime(2026, 11, 20, 2, tzinfo=timezone.utc),
                     title="联机编目中心简报：合作编目专刊", sections=SECTIONS, image=image_bytes(size=(300, 200)))


def _no_network(*args, **kwargs):
    raise AssertionError(f"the PDF renderer tried to use the network: {args[:1]}")


def _embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            for f in [font, *(d.get_object() for d in font.get("/DescendantFonts") or [])]:
                descriptor = f.get("/FontDescriptor")
                if descriptor is not None and any(k in descriptor.get_object()
                                                  for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(f["/BaseFont"]).split("+")[-1].replace("-", "").replace(" ", ""))
    return names


def test_bulletin_pdf_text_reads_back(client, issue, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    resp = client.get(f"/bulletins/issues/{issue.id}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(resp.data))
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842  # A4 portrait
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = "".join(text.split())
    for expected in ("联机编目中心简报", "2026年第1期", "总第1期", "2026年11月20日",
                     "联机编目中心简报：合作编目专刊", "中心动态：第四季度成员馆会议召开",
                     "编目实践：CNMARC200字段与690字段", "690字段记录《中国图书馆分类法》分类号",
                     "问答选登", "225字段，并在410字段建立连接", "联合目录"):
        assert expected in flat, expected
    assert any(name.startswith("NotoSansCJK") for name in _embedded_fonts(reader)), _embedded_fonts(reader)
    xobjects = [x.get_object() for page in reader.pages
                for x in (page["/Resources"].get("/XObject") or {}).values()]
    assert any(x.get("/Subtype") == "/Image" and x.get("/Width") == 300 for x in xobjects)


def test_fetcher_serves_only_our_images(issue, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    fetch = fetcher(issue.id)
    got = fetch(images.internal_url(issue.id, "fig1.png"))
    assert got.content_type == "image/png" and got.read() == issue.images[0].data
    for url in ("https://example.com/remote.png", "http://127.0.0.1/", "file:///etc/passwd",
                "data:image/png;base64,iVBORw0KGgo=", images.internal_url(issue.id, "nosuch.png"),
                images.internal_url(issue.id + 1, "fig1.png"), images.internal_url(issue.id, "../x.png")):
        with pytest.raises(ValueError):
            fetch(url)


def test_pdf_html_escapes_titles(gen):
    p = people(gen)
    b = published(p["author"], p["reviewer"], title="<script>alert(1)</script>",
                  sections=[("news", "<b>粗</b>", "<img src=x onerror=alert(1)>")])
    html = render_html(b)
    assert "<script>alert" not in html and "onerror" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;b&gt;粗&lt;/b&gt;" in html
