"""The bulletin pages: who may do what, drafts hidden from the public, image uploads checked by
their bytes, and script in sections (or uploads) never reaching the page alive."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.bulletins import services, subscriptions
from app.bulletins.models import Bulletin, BulletinImage
from app.extensions import db

from .helpers import draft, image_bytes, people, published

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
       "<svg onload=alert(1)>", "![y](javascript:alert(1))", '<a href="javascript:alert(1)">z</a>',
       "[w](JaVaScRiPt:alert(1))", "<iframe src=//evil.example></iframe>"]
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


def _login(client, gen, user):
    assert gen.login(client, user).status_code == 302


def _upload(client, b, data, filename="fig.png", name=""):
    return client.post(f"/bulletins/issues/{b.id}/images",
                       data={"file": (io.BytesIO(data), filename), "name": name},
                       content_type="multipart/form-data")


def test_public_archive_issue_pdf_and_drafts_hidden(client, gen):
    p = people(gen)
    pub = published(p["author"], p["reviewer"], title="公开的一期")
    hidden = draft(p["author"], title="保密草稿")
    index = client.get("/bulletins/").get_data(as_text=True)
    assert "公开的一期" in index and "保密草稿" not in index
    assert "公开的一期" in client.get("/bulletins/archive/2026").get_data(as_text=True)
    assert client.get(f"/bulletins/issues/{pub.id}").status_code == 200
    for url in (f"/bulletins/issues/{hidden.id}", f"/bulletins/issues/{hidden.id}.pdf"):
        assert client.get(url).status_code == 404
    cat = gen.gen_user("cataloguer", library=gen.gen_library())
    _login(client, gen, cat)
    assert client.get(f"/bulletins/issues/{hidden.id}").status_code == 404
    assert "保密草稿" not in client.get("/bulletins/search?q=保密").get_data(as_text=True)


def test_editorial_team_sees_drafts(client, gen):
    p = people(gen)
    hidden = draft(p["author"], title="保密草稿")
    _login(client, gen, p["admin"])
    assert client.get(f"/bulletins/issues/{hidden.id}").status_code == 200
    assert "保密草稿" in client.get("/bulletins/editor/").get_data(as_text=True)


def test_cataloguer_can_neither_write_nor_publish(client, gen):
    p = people(gen)
    b = draft(p["author"])
    services.submit(p["author"], b)
    cat = gen.gen_user("cataloguer", library=gen.gen_library())
    _login(client, gen, cat)
    assert client.get("/bulletins/new").status_code == 403
    assert client.post("/bulletins/new", data={"title_zh": "我的简报"}).status_code == 403
    assert client.get("/bulletins/editor/").status_code == 403
    assert client.post(f"/bulletins/issues/{b.id}/sections", data={"kind": "news", "title": "x"}).status_code == 403
    assert _upload(client, b, image_bytes()).status_code == 403
    assert client.post(f"/bulletins/issues/{b.id}/publish").status_code == 403
    assert client.post(f"/bulletins/issues/{b.id}/return", data={"note": "no"}).status_code == 403
    db.session.refresh(b)
    assert b.status == "in_review" and len(b.sections) == 1


def test_trainer_writes_submits_and_another_publishes(client, gen):
    p = people(gen)
    _login(client, gen, p["author"])
    resp = client.post("/bulletins/new", data={"title_zh": "2026年编目工作简讯", "title_en": "News"})
    assert resp.status_code == 302
    b = db.session.scalar(select(Bulletin).where(Bulletin.title_zh == "2026年编目工作简讯"))
    assert resp.headers["Location"].endswith(f"/bulletins/issues/{b.id}/edit")
    assert client.post(f"/bulletins/issues/{b.id}/sections",
                       data={"kind": "practice", "title": "CNMARC 690", "body": "中图法分类号"}).status_code == 302
    assert client.get(f"/bulletins/issues/{b.id}/edit").status_code == 200
    assert client.post(f"/bulletins/issues/{b.id}/submit").status_code == 302
    assert f"/bulletins/issues/{b.id}/publish" not in client.get(f"/bulletins/issues/{b.id}/review").get_data(as_text=True)
    assert client.post(f"/bulletins/issues/{b.id}/publish").status_code == 302  # refused: own issue
    db.session.refresh(b)
    assert b.status == "in_review"
    client.post("/account/logout")
    _login(client, gen, p["reviewer"])
    assert f"/bulletins/issues/{b.id}/publish" in client.get(f"/bulletins/issues/{b.id}/review").get_data(as_text=True)
    resp = client.post(f"/bulletins/issues/{b.id}/publish")
    assert resp.headers["Location"].endswith(f"/bulletins/issues/{b.id}")
    db.session.refresh(b)
    assert b.status == "published" and b.number == 1
    assert client.post(f"/bulletins/issues/{b.id}/edit", data={"title_zh": "改"}).status_code == 200
    db.session.refresh(b)
    assert b.title_zh == "2026年编目工作简讯"  # frozen


def test_subscribe_and_unsubscribe(client, gen):
    assert client.post("/bulletins/subscribe").status_code == 302  # to the sign-in page
    cat = gen.gen_user("cataloguer", library=gen.gen_library())
    _login(client, gen, cat)
    client.post("/bulletins/subscribe")
    assert "/bulletins/unsubscribe" in client.get("/bulletins/").get_data(as_text=True)
    assert subscriptions.is_subscribed(cat)
    client.post("/bulletins/unsubscribe")
    assert not subscriptions.is_subscribed(cat)


@pytest.mark.parametrize("fmt,mime", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"),
                                      ("WEBP", "image/webp")])
def test_image_upload_by_magic_bytes_and_served_safely(client, gen, fmt, mime):
    p = people(gen)
    b = draft(p["author"])
    _login(client, gen, p["author"])
    # the name says .txt; the bytes decide the type and the extension
    assert _upload(client, b, image_bytes(fmt), filename="图 1.txt", name="fig1").status_code == 302
    img = db.session.scalar(select(BulletinImage).where(BulletinImage.bulletin_id == b.id))
    assert img.mime == mime and img.name.startswith("fig1.") and len(img.sha256) == 64
    resp = client.get(f"/bulletins/issues/{b.id}/images/{img.name}")
    assert resp.status_code == 200 and resp.mimetype == mime
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/account/logout")
    assert client.get(f"/bulletins/issues/{b.id}/images/{img.name}").status_code == 404  # draft


@pytest.mark.parametrize("data,filename", [
    (SVG, "logo.svg"), (SVG, "logo.png"), (b"<html><script>alert(1)</script></html>", "x.png"),
    (b"GIF8", "tiny.gif"), (b"%PDF-1.7", "doc.jpg"), (b"", "empty.png"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024), "huge.png")])
def test_image_upload_refuses_other_types_and_big_files(client, gen, data, filename):
    p = people(gen)
    b = draft(p["author"])
    _login(client, gen, p["author"])
    resp = _upload(client, b, data, filename=filename)
    assert resp.status_code == 302
    assert db.session.scalar(select(BulletinImage.id).where(BulletinImage.bulletin_id == b.id)) is None
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "2 MB" in page or "PNG" in page or "image" in page.lower()


def test_xss_payloads_are_inert(client, gen):
    p = people(gen)
    body = "\n\n".join(XSS) + "\n\n![图](image:nosuch.png)"
    b = published(p["author"], p["reviewer"], title="<script>alert('t')</script>标题",
                  sections=[("qa", "<img src=x onerror=alert(2)>", body)])
    for url in (f"/bulletins/issues/{b.id}", "/bulletins/", "/bulletins/search?q=alert",
                "/bulletins/search?q=%3Cscript%3E"):
        html = client.get(url).get_data(as_text=True)
        main = html.split('<main id="main">', 1)[1]
        assert "<script" not in main.lower(), url
        assert not re.search(r"<[^>]+\son\w+\s*=", main, re.I), url
        assert not re.search(r"<[^>]*\s(href|src)\s*=\s*[\"']?\s*javascript:", main, re.I), url
        assert "<svg" not in main.lower() and "<iframe" not in main.lower(), url
    html = client.get(f"/bulletins/issues/{b.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not run


def test_images_render_at_our_url(client, gen):
    p = people(gen)
    b = published(p["author"], p["reviewer"], image=image_bytes(),
                  sections=[("practice", "题名页", "![书名页](image:fig1.png)\n\n![外链](https://evil.example/x.png)")])
    html = client.get(f"/bulletins/issues/{b.id}").get_data(as_text=True)
    assert f'src="/bulletins/issues/{b.id}/images/fig1.png"' in html
    assert client.get(f"/bulletins/issues/{b.id}/images/fig1.png").status_code == 200
    assert client.get(f"/bulletins/issues/{b.id}/images/nosuch.png").status_code == 404
