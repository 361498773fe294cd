"""The bulletin's rules: numbering on publication, the two-person workflow, freezing, mail to
subscribers, and search (Chinese substrings, % and _ taken literally)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app.accounts.models import AuditEntry
from app.bulletins import images, search, services, subscriptions
from app.core.errors import DomainError, PermissionDenied
from app.extensions import db

from .helpers import draft, image_bytes, people, published


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_numbers_are_given_on_publication_per_year_and_running(gen):
    p = people(gen)
    first = published(p["author"], p["reviewer"], utc(2025, 12, 1, 2))
    unpublished = draft(p["author"], title="尚未出版")
    second = published(p["author"], p["admin"], utc(2025, 12, 31, 17))  # 2026-01-01 in Beijing
    third = published(p["author"], p["reviewer"], utc(2026, 2, 1, 2))
    assert (first.year, first.number, first.serial) == (2025, 1, 1)
    assert (second.year, second.number, second.serial, second.issue_date) == (2026, 1, 2, date(2026, 1, 1))
    assert (third.year, third.number, third.serial) == (2026, 2, 3)
    assert third.label_zh == "2026年第2期（总第3期）"
    assert unpublished.number is None and unpublished.label_zh == "草稿"
    assert services.years() == [(2026, 2), (2025, 1)]
    assert [b.id for b in services.published(year=2026)] == [third.id, second.id]


def test_workflow_draft_review_return_publish(gen):
    p = people(gen)
    b = draft(p["author"])
    with pytest.raises(PermissionDenied):
        services.submit(p["admin"], b)  # centre administrators publish but do not write
    services.submit(p["author"], b)
    assert b.status == "in_review" and b.submitted_by_id == p["author"].id
    with pytest.raises(DomainError):
        services.add_section(p["author"], b, "qa", "问答", "不可在审阅中修改")
    with pytest.raises(DomainError) as e:
        services.return_to_draft(p["reviewer"], b, "  ")
    assert e.value.field == "note"
    services.return_to_draft(p["reviewer"], b, "请补充统计数据。")
    assert b.status == "draft" and b.return_note == "请补充统计数据。"
    services.add_section(p["author"], b, "statistics", "数据统计", "| 月份 | 上传 |\n|---|---|\n| 10 | 1200 |")
    services.submit(p["author"], b)
    services.publish(p["admin"], b)
    assert b.status == "published" and b.published_by_id == p["admin"].id and b.number == 1
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_type == "bulletin",
                                                                 AuditEntry.subject_id == b.id)).all()
    assert {"bulletin.created", "bulletin.submitted", "bulletin.returned", "bulletin.published"} <= set(actions)


def test_author_cannot_publish_own_issue(gen):
    p = people(gen)
    b = draft(p["author"])
    services.submit(p["author"], b)
    with pytest.raises(DomainError):
        services.publish(p["author"], b)
    assert not services.may_publish(p["author"], b) and services.may_publish(p["reviewer"], b)
    # a co-editor who submitted someone else's draft cannot publish it either
    b2 = draft(p["author"])
    services.submit(p["reviewer"], b2)
    with pytest.raises(DomainError):
        services.publish(p["reviewer"], b2)
    assert b.status == b2.status == "in_review"


def test_cataloguer_may_neither_write_nor_publish(gen):
    p = people(gen)
    cat = gen.gen_user("cataloguer", library=gen.gen_library())
    with pytest.raises(PermissionDenied):
        services.create(cat, "我的简报")
    b = draft(p["author"])
    services.submit(p["author"], b)
    with pytest.raises(PermissionDenied):
        services.publish(cat, b)


def test_empty_issue_cannot_be_submitted(gen):
    p = people(gen)
    b = services.create(p["author"], "空白")
    with pytest.raises(DomainError):
        services.submit(p["author"], b)


def test_published_issue_is_frozen(gen):
    p = people(gen)
    b = published(p["author"], p["reviewer"], image=image_bytes())
    s = b.sections[0]
    for attempt in (lambda: services.update(p["author"], b, "改标题"),
                    lambda: services.add_section(p["author"], b, "news", "补充", "x"),
                    lambda: services.update_section(p["author"], s, "news", "改", "改"),
                    lambda: services.delete_section(p["author"], s),
                    lambda: services.move_section(p["author"], s, 1),
                    lambda: images.add(p["author"], b, image_bytes(), filename="more.png"),
                    lambda: images.remove(p["author"], b.images[0]),
                    lambda: services.delete(p["author"], b),
                    lambda: services.submit(p["author"], b),
                    lambda: services.return_to_draft(p["reviewer"], b, "撤回")):
        with pytest.raises(DomainError):
            attempt()
    db.session.refresh(b)
    assert b.title_zh == "联机编目中心简报测试" and len(b.sections) == 1 and b.status == "published"


def test_sections_keep_their_order(gen):
    p = people(gen)
    b = draft(p["author"], sections=[("news", "一", ""), ("practice", "二", ""), ("qa", "三", "")])
    services.move_section(p["author"], b.sections[2], -1)
    assert [s.title for s in b.sections] == ["一", "三", "二"]
    services.move_section(p["author"], b.sections[0], -1)  # already first: stays
    services.delete_section(p["author"], b.sections[0])
    db.session.refresh(b)
    assert [(s.title, s.position) for s in b.sections] == [("三", 1), ("二", 2)]
    with pytest.raises(DomainError):
        services.add_section(p["author"], b, "gossip", "坏", "")


def test_subscribers_are_mailed_on_publication(gen):
    p = people(gen)
    reader = gen.gen_user("cataloguer", library=gen.gen_library())
    gone = gen.gen_user("cataloguer", library=gen.gen_library())
    disabled = gen.gen_user("cataloguer", library=gen.gen_library())
    for u in (reader, gone, disabled):
        assert subscriptions.subscribe(u)
    disabled.disabled_at = utc(2026, 9, 1)
    db.session.commit()
    assert not subscriptions.subscribe(reader)  # once is enough
    assert subscriptions.unsubscribe(gone)
    b = draft(p["author"], title="第三季度合作编目通讯")
    services.submit(p["author"], b)
    assert gen.outbox() == []
    services.publish(p["reviewer"], b, now=utc(2026, 9, 30, 4))
    mails = gen.outbox()
    assert [m.recipient for m in mails] == [reader.email]
    assert "2026年第1期" in mails[0].subject and "第三季度合作编目通讯" in mails[0].body
    assert gen.link_in(mails[0]) == f"/bulletins/issues/{b.id}"


def _issue(p, title, body, when):
    return published(p["author"], p["reviewer"], when, title=title, sections=[("practice", "编目实践", body)])


def test_search_finds_chinese_substrings(gen):
    p = people(gen)
    a = _issue(p, "CNMARC 200字段著录要点", "题名与责任说明项的**并列题名**著录在200$d。", utc(2026, 1, 5, 2))
    b = _issue(p, "主题标引", "690字段记录中图法分类号，例如 G254.1。", utc(2026, 2, 5, 2))
    unpublished = draft(p["author"], title="并列题名草稿")
    ids = lambda q: [x.id for x in search.search(q)[0]]  # noqa: E731
    assert ids("责") == [a.id]                 # one character
    assert ids("题") == [b.id, a.id]           # 主题 and 题名
    assert ids("并列") == [a.id]               # two characters, inside a word
    assert ids("字段") == [b.id, a.id]         # newest first
    assert ids("cnmarc") == [a.id]             # case-insensitive for Latin letters
    assert ids("690 中图法") == [b.id]         # every word must occur
    assert ids("**") == []                     # Markdown syntax is not text
    assert unpublished.id not in ids("并列题名")
    assert ids("") == [] and ids("   ") == []
    assert search.search("字段")[1] == 2


def test_search_takes_percent_and_underscore_literally(gen):
    p = people(gen)
    pct = _issue(p, "下载量统计", "本季度下载增长 12% ，上传增长 8%。", utc(2026, 3, 1, 2))
    under = _issue(p, "文件命名", "批量导入文件名形如 lib_2026.mrc 。", utc(2026, 3, 2, 2))
    plain = _issue(p, "其他", "没有特殊符号 12 lib2026", utc(2026, 3, 3, 2))
    ids = lambda q: [x.id for x in search.search(q)[0]]  # noqa: E731
    assert ids("%") == [pct.id]
    assert ids("12%") == [pct.id]
    assert ids("_") == [under.id]
    assert ids("lib_2026") == [under.id]
    assert plain.id not in ids("lib_2026") and plain.id not in ids("%")
    assert ids("/") == []  # the escape character itself is literal too
    assert search.snippet(pct, "12%").find("12%") >= 0


def test_demo_issues_are_seeded_once(gen):
    from app.bulletins import demo

    gen.gen_user("trainer", email=demo.AUTHOR)
    gen.gen_user("centre_admin", email=demo.PUBLISHER)
    assert demo.seed_bulletins() == {"bulletins": 3}
    assert demo.seed_bulletins() == {"bulletins": 0}
    issues = services.published()
    assert [b.label_zh for b in issues] == ["2026年第3期（总第3期）", "2026年第2期（总第2期）", "2026年第1期（总第1期）"]
    assert [x.id for x in search.search("690")[0]] == [issues[1].id]
