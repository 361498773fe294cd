"""Forum rules in the services: posting, quoting, history, moderation (logged), reports,
subscriptions and notifications, unread tracking, search, accepted answers, the rate limit."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.accounts.models import AuditEntry
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.forum import moderation, posting, reading, reports, search, subscriptions
from app.forum.history_models import ModerationLog, PostRevision
from app.forum.models import Post
from app.forum.render import plain_text, render_post
from app.notify import services as notify
from app.notify.models import Notification

from .helpers import boards, people


@pytest.fixture
def w(gen):
    return {**people(gen), **boards()}


def _audit(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_topic_and_reply(w):
    t = posting.create_topic(w["cat"], w["general"], "  200字段  怎么著录 ", "请教 **200** 字段。")
    assert t.title == "200字段 怎么著录" and t.author_id == w["cat"].id
    p = posting.reply(w["cat2"], t, "看《规则》第3条。")
    assert p.topic_id == t.id and reading.topic_posts(w["cat"], t).total == 2
    assert _audit("forum.topic_created") and _audit("forum.replied")
    for who in ("trainer", "expert", "admin"):
        posting.reply(w[who], t, f"{who} 也来说两句")
    with pytest.raises(PermissionDenied):
        posting.reply(w["outsider"], t, "我不是成员")
    with pytest.raises(DomainError) as e:
        posting.reply(w["cat"], t, "   ")
    assert e.value.field == "body"
    with pytest.raises(DomainError) as e:
        posting.create_topic(w["cat"], w["general"], "", "正文")
    assert e.value.field == "title"


def test_quote_carries_the_text_and_its_author(w):
    t = posting.create_topic(w["cat"], w["general"], "题目", "第一行\n\n第二行")
    q = posting.quote_text(w["cat2"], posting.get_post(w["cat2"], posting.first_post_id(t)))
    assert q.startswith("> ") and "编目员甲" in q and "> 第一行" in q and "> 第二行" in q
    assert q.endswith("\n\n")


def test_edit_keeps_every_earlier_body(w):
    t = posting.create_topic(w["cat"], w["general"], "旧题名", "第一版")
    post = db.session.get(Post, posting.first_post_id(t))
    posting.edit_post(w["cat"], post, "第二版", title="新题名")
    posting.edit_post(w["cat"], post, "第三版")
    revs = posting.revisions(w["cat"], post)
    assert [r.body for r in revs] == ["第一版", "第二版"] and [r.number for r in revs] == [1, 2]
    assert post.body == "第三版" and t.title == "新题名" and post.edited_by_id == w["cat"].id
    assert "第三版" in post.search_text
    with pytest.raises(PermissionDenied):
        posting.edit_post(w["cat2"], post, "别人改的")
    posting.edit_post(w["expert"], post, "专家修订", reason="更正笔误")
    entry = db.session.scalar(select(ModerationLog).where(ModerationLog.action == "edit"))
    assert entry.actor_id == w["expert"].id and entry.reason == "更正笔误"
    assert db.session.scalar(select(PostRevision).where(PostRevision.number == 3)).body == "第三版"


def _log(action):
    return db.session.scalars(select(ModerationLog).where(ModerationLog.action == action)).all()


def test_every_moderation_action_is_logged_and_audited(w):
    mod = w["expert"]
    t = posting.create_topic(w["cat"], w["general"], "要管理的主题", "问题")
    r1 = posting.reply(w["cat2"], t, "回复一")
    r2 = posting.reply(w["trainer"], t, "回复二")
    r3 = posting.reply(w["cat2"], t, "回复三")
    moderation.set_pinned(mod, t, True, "常见问题")
    moderation.set_pinned(mod, t, False)
    moderation.set_locked(mod, t, True, "已解决")
    moderation.set_locked(mod, t, False)
    moderation.move(mod, t, w["qa"], "放到问答")
    moderation.hide(mod, r1, "跑题")
    moderation.unhide(mod, r1)
    moderation.delete_post(w["admin"], r2, "广告")
    new = moderation.split(mod, t, [r3.id], "分出的主题", reason="另起话题")
    moderation.delete_topic(w["admin"], new, "重复")
    for action in ("pin", "unpin", "lock", "unlock", "move", "hide", "unhide", "delete_post", "split",
                   "delete_topic"):
        rows = _log(action)
        assert len(rows) == 1, action
        assert rows[0].actor_id in (mod.id, w["admin"].id) and rows[0].created_at is not None
        assert _audit(f"forum.{action}"), action
    assert _log("pin")[0].reason == "常见问题" and _log("delete_post")[0].reason == "广告"
    assert t.board_id == w["qa"].id and _log("move")[0].details == {"from_board": w["general"].id,
                                                                     "to_board": w["qa"].id}
    assert r3.topic_id == new.id and _log("split")[0].details["new_topic"] == new.id
    assert r2.deleted_at is not None and r2.deleted_by_id == w["admin"].id  # soft: the row stays
    assert db.session.get(Post, r2.id).body == "回复二"
    # a reason is required to hide or delete; the first post carries the topic
    with pytest.raises(DomainError):
        moderation.hide(mod, r1, "  ")
    with pytest.raises(DomainError):
        moderation.delete_post(mod, db.session.get(Post, posting.first_post_id(t)), "理由")
    with pytest.raises(DomainError):
        moderation.split(mod, t, [posting.first_post_id(t)], "不行")


@pytest.mark.parametrize("who", ["cat", "trainer", "outsider"])
def test_only_moderators_moderate(w, who):
    t = posting.create_topic(w["cat"], w["general"], "主题", "问题")
    r = posting.reply(w["cat2"], t, "回复")
    user = w[who]
    for call in (lambda: moderation.set_pinned(user, t, True), lambda: moderation.set_locked(user, t, True),
                 lambda: moderation.move(user, t, w["qa"]), lambda: moderation.hide(user, r, "x"),
                 lambda: moderation.delete_post(user, r, "x"), lambda: moderation.delete_topic(user, t, "x"),
                 lambda: moderation.split(user, t, [r.id], "x"), lambda: reports.queue(user)):
        with pytest.raises(PermissionDenied):
            call()
    assert db.session.scalar(select(ModerationLog.id)) is None


def test_locked_topic_refuses_replies_except_from_moderators(w):
    t = posting.create_topic(w["cat"], w["general"], "主题", "问题")
    moderation.set_locked(w["qc"], t, True)
    with pytest.raises(PermissionDenied):
        posting.reply(w["cat2"], t, "还想说")
    assert posting.reply(w["qc"], t, "版主补充").id


def test_hidden_and_deleted_posts_are_for_moderators_only(w):
    t = posting.create_topic(w["cat"], w["general"], "主题", "问题")
    hidden = posting.reply(w["cat2"], t, "不当言论 秘密词")
    moderation.hide(w["expert"], hidden, "不当言论")
    with pytest.raises(NotFound):
        posting.get_post(w["cat"], hidden.id)
    assert [p.id for p in reading.topic_posts(w["cat"], t).items] == [posting.first_post_id(t)]
    assert hidden.id in [p.id for p in reading.topic_posts(w["expert"], t).items]
    assert search.search_posts(w["cat"], "秘密词").total == 0
    assert search.search_posts(w["expert"], "秘密词").total == 1
    moderation.delete_topic(w["expert"], t, "整帖删除")
    with pytest.raises(NotFound):
        posting.get_topic(w["cat"], t.id)
    assert posting.get_topic(w["admin"], t.id) is t


def test_report_queue(w):
    t = posting.create_topic(w["cat"], w["general"], "主题", "问题")
    bad = posting.reply(w["cat2"], t, "广告内容")
    r = reports.report(w["cat"], bad, "这是广告")
    with pytest.raises(DomainError):
        reports.report(w["cat"], bad, "再报一次")
    reports.report(w["trainer"], bad, "同意")
    assert reports.queue(w["expert"]).total == 2 and reports.open_count(w["expert"]) == 2
    assert reports.open_count(w["cat"]) == 0
    with pytest.raises(DomainError):
        reports.resolve(w["expert"], r, "")
    reports.resolve(w["expert"], r, "已隐藏")
    assert r.resolved_by_id == w["expert"].id and reports.queue(w["admin"]).total == 1
    assert reports.queue(w["admin"], include_resolved=True).total == 2
    assert _log("resolve_report")[0].details == {"report_id": r.id}
    with pytest.raises(DomainError):
        reports.resolve(w["expert"], r, "again")


def test_subscribers_get_a_notification_and_a_mail(w, gen):
    board_watcher = w["trainer"]
    subscriptions.subscribe_board(board_watcher, w["general"])
    t = posting.create_topic(w["cat"], w["general"], "新主题", "内容")
    assert subscriptions.is_subscribed(w["cat"], topic=t)  # the author watches their topic
    note = db.session.scalar(select(Notification).where(Notification.user_id == board_watcher.id))
    assert note is not None and "新主题" in note.text and note.link.startswith("/forum/posts/")
    assert len(gen.outbox(board_watcher.email)) == 1
    assert subscriptions.subscribe_topic(w["cat2"], t) is True
    assert subscriptions.subscribe_topic(w["cat2"], t) is False
    posting.reply(w["cat2"], t, "回复内容")
    # the topic's author hears of the reply; the replier does not hear of their own post;
    # a board watcher hears of new topics only
    assert notify.unread_count(w["cat"]) == 1 and notify.unread_count(w["cat2"]) == 0
    assert notify.unread_count(board_watcher) == 1
    mails = gen.outbox(w["cat"].email)
    assert len(mails) == 1 and "新主题" in mails[0].subject and "http://portal.test/forum/posts/" in mails[0].body
    assert mails[0].kind == "forum"
    subscriptions.unsubscribe_topic(w["cat"], t)
    posting.reply(w["cat2"], t, "再回复")
    assert notify.unread_count(w["cat"]) == 1
    n = db.session.scalar(select(Notification).where(Notification.user_id == w["cat"].id))
    notify.mark_read(w["cat"], n)
    assert notify.unread_count(w["cat"]) == 0


def test_notify_service_keeps_links_local_and_marks_all_read(w):
    n = notify.notify(w["cat"], "test", "你好", "https://evil.example/")
    m = notify.notify(w["cat"], "test", "你好", "/forum/")
    db.session.commit()
    assert n.link is None and m.link == "/forum/"
    assert notify.unread_count(w["cat"]) == 2 and notify.unread_count(None) == 0
    with pytest.raises(NotFound):
        notify.mark_read(w["cat2"], n)
    assert notify.mark_read(w["cat"]) == 2
    db.session.commit()
    assert notify.unread_count(w["cat"]) == 0


def test_unread_tracking(w):
    t = posting.create_topic(w["cat"], w["general"], "主题", "问题")
    reader = w["cat2"]
    assert reading.unread_topic_ids(reader, [t.id]) == {t.id}
    first = reading.first_unread(reader, t)
    assert first.id == posting.first_post_id(t)
    reading.mark_read(reader, t, first.id)
    assert reading.unread_topic_ids(reader, [t.id]) == set()
    reply = posting.reply(w["cat"], t, "新回复")
    assert reading.unread_topic_ids(reader, [t.id]) == {t.id}
    assert reading.first_unread(reader, t).id == reply.id
    reading.mark_read(reader, t, reply.id)
    reading.mark_read(reader, t, first.id)  # never moves backwards
    assert reading.last_read(reader, t) == reply.id
    hidden = posting.reply(w["cat"], t, "会被隐藏")
    moderation.hide(w["expert"], hidden, "x")
    assert reading.unread_topic_ids(reader, [t.id]) == set()  # nothing the reader may see is new


def test_search_chinese_substrings_and_wildcards(w, gen):
    a = posting.create_topic(w["cat"], w["general"], "中国古代藏书史的分类", "请问690字段怎么给号？")
    b = posting.create_topic(w["cat2"], w["general"], "进度", "已完成100%，文件名是a_b.mrk")
    c = posting.create_topic(w["trainer"], w["general"], "Other", "axb and 100 percent")
    secret = posting.create_topic(w["expert"], w["private"], "规范记录", "个人名称规范")
    assert [t.id for t in search.search_topics(w["cat"], "藏")] == [a.id]            # one character
    assert [t.id for t in search.search_topics(w["cat"], "藏书")] == [a.id]          # two characters
    assert {p.topic_id for p in search.search_posts(w["cat"], "号").items} == {a.id}
    assert {p.topic_id for p in search.search_posts(w["cat"], "字段").items} == {a.id}
    assert {p.topic_id for p in search.search_posts(w["cat"], "%").items} == {b.id}   # % is literal
    assert {p.topic_id for p in search.search_posts(w["cat"], "_").items} == {b.id}   # _ is literal
    assert {p.topic_id for p in search.search_posts(w["cat"], "a_b").items} == {b.id}
    assert {p.topic_id for p in search.search_posts(w["cat"], "100%").items} == {b.id}
    assert {p.topic_id for p in search.search_posts(w["cat"], "AXB").items} == {c.id}  # case-insensitive
    assert search.search_posts(w["cat"], "\\").total == 0
    assert search.search_posts(w["cat"], "  ") is None
    # members-only boards are searched for the signed-in only
    from flask_login import AnonymousUserMixin

    anon = AnonymousUserMixin()
    assert search.search_posts(anon, "规范").total == 0 and search.search_topics(anon, "规范") == []
    assert [t.id for t in search.search_topics(w["cat"], "规范")] == [secret.id]


def test_accepted_answer_by_asker_or_expert_only(w):
    t = posting.create_topic(w["cat"], w["qa"], "版本项怎么著录？", "205 还是 305？")
    a1 = posting.reply(w["cat2"], t, "305")
    a2 = posting.reply(w["trainer"], t, "205")
    for who in ("cat2", "trainer", "admin", "outsider"):  # not the asker, not an expert
        with pytest.raises(PermissionDenied):
            posting.accept_answer(w[who], a2)
    posting.accept_answer(w["cat"], a1)
    assert a1.is_accepted
    posting.accept_answer(w["expert"], a2)  # an expert may change it; one accepted answer per topic
    assert a2.is_accepted and not a1.is_accepted and a2.accepted_by_id == w["expert"].id
    ids = [p.id for p in reading.topic_posts(w["cat"], t).items]
    assert ids == [posting.first_post_id(t), a2.id, a1.id]  # question, accepted answer, the rest
    with pytest.raises(DomainError):
        posting.accept_answer(w["cat"], db.session.get(Post, posting.first_post_id(t)))
    posting.unaccept_answer(w["cat"], a2)
    assert not a2.is_accepted
    other = posting.create_topic(w["cat"], w["general"], "普通讨论", "内容")
    reply = posting.reply(w["cat2"], other, "回复")
    with pytest.raises(DomainError):
        posting.accept_answer(w["cat"], reply)


def test_rate_limit_counts_from_the_database(w, ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "FORUM_POSTS_PER_MINUTE", 3)
    t = posting.create_topic(w["cat"], w["general"], "主题", "第1帖")
    posting.reply(w["cat"], t, "第2帖")
    posting.reply(w["cat"], t, "第3帖")
    with pytest.raises(DomainError) as e:
        posting.reply(w["cat"], t, "第4帖")
    assert "3" in e.value.message and e.value.field == "body"
    posting.reply(w["cat2"], t, "别人不受影响")
    # the posts of more than a minute ago no longer count
    db.session.execute(update(Post).where(Post.author_id == w["cat"].id)
                       .values(created_at=utcnow() - timedelta(minutes=2)))
    db.session.commit()
    assert posting.reply(w["cat"], t, "第4帖").id


def test_default_rate_limit_is_five(w):
    t = posting.create_topic(w["cat"], w["general"], "主题", "1")
    for n in range(2, 6):
        posting.reply(w["cat"], t, str(n))
    with pytest.raises(DomainError):
        posting.reply(w["cat"], t, "6")


def test_marc_block_is_shown_in_the_marc_view_and_bad_marc_as_code():
    good = "看这条：\n```marc\n=LDR  00000nam0 2200000   450 \n=200  1\\$a书名<script>\n```\n结束"
    html = str(render_post(good))
    assert '<pre class="marc">' in html and "200 1# $a书名&lt;script&gt;" in html and "<script>" not in html
    bad = str(render_post("```marc\n这不是MARC <script>alert(1)</script>\n```"))
    assert '<pre class="marc-source"><code>' in bad and "<script>" not in bad and "&lt;script&gt;" in bad
    assert str(render_post("<b>raw</b> [x](javascript:alert(1))")).count("<b>") == 0
    assert "书名" in plain_text(good) and "**" not in plain_text("**粗**")
