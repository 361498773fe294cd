"""The desk's pages for each role: asker, expert on duty, other cataloguers, administrator, anonymous."""
from __future__ import annotations

import io

from sqlalchemy import select

from app.consult import services
from app.consult.models import ConsultQuestion
from app.consult.routing import today
from app.consult.workdays import week_start
from app.extensions import db

from .helpers import MARC, ask, people, rota

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>[link](javascript:alert(2))'


def _login(client, gen, user):
    client.post("/account/logout")
    assert gen.login(client, user).status_code == 302


def test_cataloguer_asks_through_the_form(client, gen):
    p = people(gen)
    rota(p)
    _login(client, gen, p["asker"])
    assert client.get("/consult/ask").status_code == 200
    resp = client.post("/consult/ask", data={
        "category": "cnmarc", "language_group": "chinese", "title": "多卷书", "body": "461 怎么写？" + XSS,
        "marc_text": MARC, "attachments": [(io.BytesIO(b"\x89PNG\r\n\x1a\n0000"), "shot.png")]},
        content_type="multipart/form-data")
    assert resp.status_code == 302
    q = db.session.scalar(select(ConsultQuestion))
    assert q.assignee_id == p["duty"].id and len(q.attachments) == 1
    page = client.get(f"/consult/questions/{q.id}").get_data(as_text=True)
    assert "461 &#36;12001" in page or "461 #0 $12001" in page       # the MARC view
    assert "<script>alert" not in page and "<img src=x" not in page and 'href="javascript' not in page
    assert "多卷书" in client.get("/consult/mine").get_data(as_text=True)


def test_form_errors_are_shown_next_to_fields(client, gen):
    p = people(gen)
    _login(client, gen, p["asker"])
    resp = client.post("/consult/ask", data={"category": "cnmarc", "language_group": "chinese", "title": "t",
                                             "body": "b", "record_id": "999999"})
    assert resp.status_code == 200
    assert 'id="record_id-err"' in resp.get_data(as_text=True)
    resp = client.post("/consult/ask", data={"category": "cnmarc", "language_group": "chinese", "title": "t",
                                             "body": "b", "attachments": [(io.BytesIO(b"MZ\x00\x00"), "a.exe")]},
                       content_type="multipart/form-data")
    assert 'id="attachments-err"' in resp.get_data(as_text=True)


def test_expert_answers_and_publishes(client, gen):
    p = people(gen)
    rota(p)
    q = ask(p, body="请问 461 怎么写？")
    _login(client, gen, p["duty"])
    assert "多卷书怎么著录" in client.get("/consult/queue").get_data(as_text=True)
    assert client.post(f"/consult/questions/{q.id}/reply", data={"kind": "answer", "body": "分卷著录"}).status_code == 302
    resp = client.get(f"/consult/questions/{q.id}/publish")
    assert resp.status_code == 200 and "分卷著录" in resp.get_data(as_text=True)
    resp = client.post(f"/consult/questions/{q.id}/publish", data={
        "title": "多卷书", "question_text": "提问人甲问 461", "answer_text": "分卷著录"})
    assert resp.status_code == 200 and 'id="question_text-err"' in resp.get_data(as_text=True)
    resp = client.post(f"/consult/questions/{q.id}/publish", data={
        "title": "多卷书的著录", "question_text": "461 怎么写？", "answer_text": "分卷著录"})
    assert resp.status_code == 302
    client.post("/account/logout")
    found = client.get("/consult/faq", query_string={"q": "分卷"}).get_data(as_text=True)
    assert "多卷书的著录" in found
    entry = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "提问人甲" not in entry and p["lib"].name_zh not in entry
    assert "多卷书的著录" not in client.get("/consult/faq", query_string={"q": "陶瓷"}).get_data(as_text=True)
    _login(client, gen, p["duty"])
    stats = client.get("/consult/stats").get_data(as_text=True)
    assert "值班专家" in stats


def test_attachment_served_only_to_asker_experts_admins(client, gen):
    p = people(gen)
    q = ask(p, files=[("rec.mrk", b"<html><script>alert(1)</script>")])
    a = q.attachments[0]
    for who, code in ((p["stranger"], 403), (p["colleague"], 403), (p["asker"], 200), (p["sub"], 200),
                      (p["admin"], 200)):
        _login(client, gen, who)
        resp = client.get(f"/consult/attachments/{a.id}")
        assert resp.status_code == code, who.name
        if code == 200:
            assert resp.headers["Content-Disposition"].startswith("attachment;")
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
            assert resp.mimetype == "text/plain"
    _login(client, gen, p["stranger"])
    assert client.get(f"/consult/questions/{q.id}").status_code == 403


def test_asker_follows_up_and_closes_with_a_rating(client, gen):
    p = people(gen)
    rota(p)
    q = ask(p)
    services.answer(p["duty"], q, "请补充", kind="ask_back")
    _login(client, gen, p["asker"])
    assert client.post(f"/consult/questions/{q.id}/reply", data={"kind": "answer", "body": "x"}).status_code == 403
    assert client.post(f"/consult/questions/{q.id}/follow-up", data={"body": "补充如下"}).status_code == 302
    assert client.post(f"/consult/questions/{q.id}/close", data={"rating": "4"}).status_code == 302
    db.session.expire_all()
    q = db.session.get(ConsultQuestion, q.id)
    assert (q.status, q.rating) == ("closed", 4)
    _login(client, gen, p["duty"])
    assert client.post(f"/consult/questions/{q.id}/follow-up", data={"body": "x"}).status_code == 403


def test_roster_viewed_by_experts_edited_by_the_admin(client, gen):
    p = people(gen)
    monday = week_start(today()).isoformat()
    _login(client, gen, p["duty"])
    assert client.get("/consult/roster").status_code == 200
    assert client.post("/consult/roster", data={"week": monday, "duty_cnmarc": p["duty"].id}).status_code == 403
    _login(client, gen, p["asker"])
    assert client.get("/consult/roster").status_code == 403
    assert client.get("/consult/queue").status_code == 403
    _login(client, gen, p["admin"])
    resp = client.post("/consult/roster", data={"week": monday, "duty_cnmarc": p["duty"].id,
                                                "substitute_cnmarc": p["sub"].id, "lead_cnmarc": p["lead"].id})
    assert resp.status_code == 302
    page = client.get("/consult/roster").get_data(as_text=True)
    assert "值班专家" in page and "替班专家" in page
    resp = client.post("/consult/roster", data={"week": monday, "duty_rules": p["asker"].id})
    assert resp.status_code == 200 and 'class="error"' in resp.get_data(as_text=True)
    resp = client.post("/consult/roster/absences", data={"expert": p["duty"].id, "date_from": monday,
                                                         "date_to": monday, "reason": "出差"})
    assert resp.status_code == 302
    assert "出差" in client.get("/consult/roster").get_data(as_text=True)
    assert "值班专家" in client.get("/consult/stats").get_data(as_text=True)


def test_anonymous_sees_only_the_faq(client, gen):
    p = people(gen)
    q = ask(p)
    assert client.get("/consult/faq").status_code == 200
    assert client.get("/consult/faq?q=%25_").status_code == 200
    for url in ("/consult/", "/consult/ask", f"/consult/questions/{q.id}", "/consult/queue", "/consult/roster"):
        assert client.get(url).status_code == 302, url
