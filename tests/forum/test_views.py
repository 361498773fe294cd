"""The forum pages: each role's flows, refusals (403), locked topics, hidden posts, forms with
errors next to their fields, and script in posts never reaching the page alive."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.forum import moderation, posting
from app.forum.history_models import ModerationLog, Report
from app.forum.models import Post, Topic
from app.notify.models import Notification

from .helpers import boards, people

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
       "<svg onload=alert(1)>", '"><script>alert(1)</script>',
       "```marc\n=LDR  00000nam0 2200000   450 \n=200  1\\$a<script>alert(1)</script>\n```"]


@pytest.fixture
def w(gen):
    return {**people(gen), **boards()}


def _login(client, gen, user):
    assert gen.login(client, user).status_code == 302


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def test_anonymous_reads_public_boards_but_not_members_only(client, w):
    t = posting.create_topic(w["cat"], w["general"], "公开主题", "大家好")
    hidden_t = posting.create_topic(w["cat"], w["private"], "内部主题", "成员可见")
    assert "CNMARC" in _text(client.get("/forum/")) and "规范控制" not in _text(client.get("/forum/"))
    assert "公开主题" in _text(client.get(f"/forum/boards/{w['general'].id}"))
    assert "大家好" in _text(client.get(f"/forum/topics/{t.id}"))
    assert client.get(f"/forum/boards/{w['private'].id}").status_code == 404
    assert client.get(f"/forum/topics/{hidden_t.id}").status_code == 404
    assert client.post(f"/forum/topics/{t.id}/reply", data={"body": "匿名"}).status_code == 302
    assert client.get(f"/forum/boards/{w['general'].id}/new").status_code == 302
    assert "内部主题" not in _text(client.get("/forum/search?q=主题"))


def test_cataloguer_posts_quotes_edits_and_reports(client, gen, w):
    _login(client, gen, w["cat"])
    board = w["general"]
    assert "规范控制" in _text(client.get("/forum/"))  # members-only boards show once signed in
    resp = client.post(f"/forum/boards/{board.id}/new", data={"title": "", "body": "正文"})
    assert resp.status_code == 200 and re.search(r'class="field invalid"[^>]*>\s*<label for="title"', _text(resp))
    resp = client.post(f"/forum/boards/{board.id}/new", data={"title": "606字段的复分", "body": "请教**复分**"})
    assert resp.status_code == 302
    topic = db.session.scalar(select(Topic).where(Topic.title == "606字段的复分"))
    page = _text(client.get(f"/forum/topics/{topic.id}"))
    assert "<strong>复分</strong>" in page
    first = posting.first_post_id(topic)
    page = _text(client.get(f"/forum/topics/{topic.id}?quote={first}"))
    assert "&gt; 编目员甲" in page and "&gt; 请教**复分**" in page  # the reply box holds the quote
    resp = client.post(f"/forum/topics/{topic.id}/reply", data={"body": "> 引用\n\n我的回答"})
    assert resp.status_code == 302 and "#post-" in resp.headers["Location"]
    reply = db.session.scalar(select(Post).where(Post.body.like("%我的回答%")))
    assert "<blockquote>" in _text(client.get(resp.headers["Location"]))
    assert client.post(f"/forum/posts/{reply.id}/edit", data={"body": "改过的回答"}).status_code == 302
    assert "改过的回答" in _text(client.get(f"/forum/posts/{reply.id}/history"))
    assert "我的回答" in _text(client.get(f"/forum/posts/{reply.id}/history"))
    assert client.post(f"/forum/posts/{reply.id}/report", data={"reason": "测试举报"}).status_code == 302
    assert db.session.scalar(select(Report.reason)) == "测试举报"
    assert client.post(f"/forum/topics/{topic.id}/subscribe", data={"action": "off"}).status_code == 302


def test_cataloguer_may_not_edit_others_or_moderate(client, gen, w):
    t = posting.create_topic(w["cat2"], w["general"], "别人的主题", "内容")
    r = posting.reply(w["cat2"], t, "别人的回复")
    _login(client, gen, w["cat"])
    assert client.get(f"/forum/posts/{r.id}/edit").status_code == 403
    assert client.post(f"/forum/posts/{r.id}/edit", data={"body": "篡改"}).status_code == 403
    for method, url in [("GET", "/forum/reports"), ("GET", "/forum/moderation-log"),
                        ("GET", f"/forum/topics/{t.id}/move"), ("GET", f"/forum/topics/{t.id}/split"),
                        ("GET", f"/forum/topics/{t.id}/delete"), ("GET", f"/forum/posts/{r.id}/hide"),
                        ("POST", f"/forum/topics/{t.id}/toggle/pin"), ("POST", f"/forum/topics/{t.id}/toggle/lock"),
                        ("POST", f"/forum/posts/{r.id}/hide"), ("POST", f"/forum/posts/{r.id}/unhide"),
                        ("POST", f"/forum/posts/{r.id}/delete"), ("POST", f"/forum/topics/{t.id}/delete")]:
        assert client.open(url, method=method, data={"reason": "x"}).status_code == 403, url
    assert db.session.scalar(select(ModerationLog.id)) is None


def test_signed_in_outsider_reads_but_may_not_post(client, gen, w):
    t = posting.create_topic(w["cat"], w["general"], "主题", "内容")
    _login(client, gen, w["outsider"])
    assert client.get(f"/forum/topics/{t.id}").status_code == 200
    assert client.get(f"/forum/boards/{w['general'].id}/new").status_code == 403
    assert client.post(f"/forum/topics/{t.id}/reply", data={"body": "我想说"}).status_code == 403


def test_moderator_pins_locks_hides_and_resolves(client, gen, w):
    t = posting.create_topic(w["cat"], w["general"], "主题", "内容")
    bad = posting.reply(w["cat2"], t, "不当内容XYZ")
    _login(client, gen, w["expert"])
    assert client.post(f"/forum/topics/{t.id}/toggle/pin", data={"reason": "置顶"}).status_code == 302
    assert client.post(f"/forum/topics/{t.id}/toggle/lock", data={}).status_code == 302
    resp = client.post(f"/forum/posts/{bad.id}/hide", data={"reason": ""})
    assert resp.status_code == 200 and "invalid" in _text(resp)  # a reason is required
    assert client.post(f"/forum/posts/{bad.id}/hide", data={"reason": "不当"}).status_code == 302
    assert "不当内容XYZ" in _text(client.get(f"/forum/topics/{t.id}"))  # moderators still see it
    report = Report(post_id=bad.id, reporter_id=w["cat"].id, reason="举报")
    db.session.add(report)
    db.session.commit()
    assert "举报" in _text(client.get("/forum/reports"))
    assert client.post(f"/forum/reports/{report.id}/resolve", data={"resolution": "已隐藏"}).status_code == 302
    assert "已隐藏" in _text(client.get("/forum/reports?all=1"))
    log = _text(client.get("/forum/moderation-log"))
    for action in ("pin", "lock", "hide", "resolve_report"):
        assert f"<code>{action}</code>" in log
    db.session.expire_all()
    topic = db.session.get(Topic, t.id)
    assert topic.pinned and topic.locked


def test_locked_topic_refuses_replies_and_hidden_posts_vanish(client, gen, w):
    t = posting.create_topic(w["cat"], w["general"], "主题", "内容")
    bad = posting.reply(w["cat2"], t, "不当内容XYZ")
    moderation.hide(w["admin"], bad, "不当")
    moderation.set_locked(w["admin"], t, True)
    _login(client, gen, w["cat"])
    page = _text(client.get(f"/forum/topics/{t.id}"))
    assert "不当内容XYZ" not in page and f'post-{bad.id}"' not in page
    assert 'action="/forum/topics/%d/reply' % t.id not in page
    assert client.post(f"/forum/topics/{t.id}/reply", data={"body": "还想说"}).status_code == 403
    assert client.get(f"/forum/posts/{bad.id}").status_code == 404
    assert client.get(f"/forum/posts/{bad.id}/history").status_code == 404
    assert "不当内容XYZ" not in _text(client.get("/forum/search?q=XYZ"))


def test_moderator_moves_splits_and_deletes(client, gen, w):
    t = posting.create_topic(w["cat"], w["general"], "主题", "内容")
    r1 = posting.reply(w["cat2"], t, "跑题回复")
    r2 = posting.reply(w["cat2"], t, "广告")
    _login(client, gen, w["admin"])
    assert client.post(f"/forum/topics/{t.id}/move", data={"board": w["qa"].id}).status_code == 302
    resp = client.post(f"/forum/topics/{t.id}/split", data={"posts": [r1.id], "title": "新话题",
                                                            "board": w["general"].id})
    assert resp.status_code == 302
    db.session.expire_all()
    new = db.session.scalar(select(Topic).where(Topic.title == "新话题"))
    assert db.session.get(Post, r1.id).topic_id == new.id and new.board_id == w["general"].id
    assert client.post(f"/forum/topics/{new.id}/delete", data={"reason": "重复"}).status_code == 302
    # the first post carries its topic: it cannot be deleted alone (the error shows on the form)
    resp = client.post(f"/forum/posts/{r1.id}/delete", data={"reason": "x"})
    assert resp.status_code == 200 and 'class="flash error"' in _text(resp)
    assert client.post(f"/forum/posts/{r2.id}/delete", data={"reason": "广告"}).status_code == 302
    actions = set(db.session.scalars(select(ModerationLog.action)))
    assert actions == {"move", "split", "delete_topic", "delete_post"}


def test_qa_accept_by_asker_not_by_others(client, gen, w):
    t = posting.create_topic(w["cat"], w["qa"], "问题", "205还是305？")
    answer = posting.reply(w["cat2"], t, "205字段")
    _login(client, gen, w["trainer"])
    assert client.post(f"/forum/posts/{answer.id}/accept").status_code == 403
    client.post("/account/logout")
    _login(client, gen, w["cat"])
    assert client.post(f"/forum/posts/{answer.id}/accept").status_code == 302
    page = _text(client.get(f"/forum/topics/{t.id}"))
    assert "accepted" in page and page.index(f'id="post-{answer.id}"') < page.index('id="reply"')


def test_rate_limit_message_next_to_the_body(client, gen, w, ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "FORUM_POSTS_PER_MINUTE", 1)
    t = posting.create_topic(w["cat"], w["general"], "主题", "内容")
    _login(client, gen, w["cat"])
    resp = client.post(f"/forum/topics/{t.id}/reply", data={"body": "太快了"})
    assert resp.status_code == 400
    assert re.search(r'<p class="error" id="body-err">[^<]*1', _text(resp))


def test_notifications_page(client, gen, w):
    posting.create_topic(w["cat"], w["general"], "被关注的主题", "内容")
    t = db.session.scalar(select(Topic))
    posting.reply(w["cat2"], t, "有新回复")
    _login(client, gen, w["cat"])
    page = _text(client.get("/notifications/"))
    assert "被关注的主题" in page
    n = db.session.scalar(select(Notification))
    resp = client.post(f"/notifications/{n.id}/open")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/forum/posts/")
    db.session.expire_all()
    assert db.session.get(Notification, n.id).read_at is not None
    client.post("/account/logout")
    _login(client, gen, w["cat2"])
    assert client.post(f"/notifications/{n.id}/open").status_code == 404  # not theirs


def test_script_in_posts_is_never_live(client, gen, w, ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "FORUM_POSTS_PER_MINUTE", 100)
    _login(client, gen, w["cat"])
    t = posting.create_topic(w["cat"], w["general"], '"><script>alert(1)</script>', "标题测试")
    for payload in XSS:
        posting.reply(w["expert"], t, payload)
    for url in (f"/forum/topics/{t.id}", f"/forum/boards/{w['general'].id}", "/forum/search?q=alert",
                f"/forum/topics/{t.id}?quote={posting.first_post_id(t) + 1}"):
        page = _text(client.get(url))
        assert "<script>alert" not in page, url
        assert not re.search(r"<(img|svg)\b[^>]*\bon\w+\s*=", page, re.I), url
        assert 'href="javascript:' not in page.lower(), url
