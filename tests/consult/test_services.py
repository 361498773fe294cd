"""The desk's rules: asking, the thread's transitions, escalation, the FAQ, who may see what."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from app.accounts.models import AuditEntry
from app.consult import escalation, faq, services
from app.core.errors import DomainError, PermissionDenied
from app.extensions import db
from app.notify.models import Notification

from .helpers import MARC, ask, people, rota

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def notes(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_ask_is_routed_to_the_duty_expert_and_audited(gen):
    p = people(gen)
    rota(p)
    q = ask(p)
    assert q.assignee == p["duty"] and q.status == "open" and q.library_id == p["lib"].id
    assert [m.kind for m in q.messages] == ["question"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "consult.asked")).details["routed"] == "duty"
    assert [n.link for n in notes(p["duty"])] == [f"/consult/questions/{q.id}"]
    assert gen.outbox(p["duty"].email)


def test_without_roster_the_question_is_unassigned(gen):
    p = people(gen)
    q = ask(p)
    assert q.assignee_id is None
    assert q in services.queue(p["lead"])["unassigned"]


def test_ask_with_record_id_bad_record_id_and_marc_text(gen):
    from app.catalog import services as catalog
    from tests.catalog.records import cnmarc_book

    p = people(gen)
    row = catalog.create(None, cnmarc_book("咨询用记录"))
    assert ask(p, record_id=row.id).record_id == row.id
    with pytest.raises(DomainError) as e:
        ask(p, record_id=row.id + 999)
    assert e.value.field == "record_id"
    q = ask(p, marc_text=MARC)
    assert q.marc_text.startswith("=LDR")
    with pytest.raises(DomainError) as e:
        ask(p, marc_text="=200  1\\$a没有头标")
    assert e.value.field == "marc_text"


def test_only_cataloguers_of_active_libraries_ask(gen):
    p = people(gen)
    for who in (p["admin"], p["lead"]):
        with pytest.raises(PermissionDenied):
            ask(p, user=who)
    with pytest.raises(DomainError) as e:
        ask(p, category="nonsense")
    assert e.value.field == "category"


def test_attachments_type_and_size(gen):
    p = people(gen)
    q = ask(p, files=[("截图.png", PNG), ("scan.pdf", PDF), ("rec.mrk", MARC.encode())])
    assert [(a.mime, len(a.sha256)) for a in q.attachments] == [("image/png", 64), ("application/pdf", 64),
                                                                ("text/plain", 64)]
    for files in ([("x.png", b"<html><script>alert(1)</script>" + b"\x00")],        # not what it claims
                  [("a.exe", b"MZ\x90\x00\x03")],
                  [("big.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024))],
                  [("1.png", PNG), ("2.png", PNG), ("3.png", PNG), ("4.png", PNG)]):
        with pytest.raises(DomainError) as e:
            ask(p, files=files)
        assert e.value.field == "attachments"


def test_answer_ask_back_follow_up_reassign_close_rate(gen):
    p = people(gen)
    rota(p)
    q = ask(p)
    services.answer(p["duty"], q, "请提供封面和版权页照片。", kind="ask_back")
    assert q.status == "waiting" and q.waiting_since is None and q.first_answered_at is None
    assert any(n.kind == "consult_ask_back" for n in notes(p["asker"]))
    services.follow_up(p["asker"], q, "已上传版权页。", files=[("cip.png", PNG)])
    assert q.status == "open" and q.waiting_since is not None and len(q.attachments) == 1
    services.answer(p["duty"], q, "组内讨论一下。", kind="note")
    assert q.status == "open"
    services.reassign(p["duty"], q, p["sub"].id, "西文问题，转质控组。")
    assert q.assignee == p["sub"]
    with pytest.raises(DomainError):
        services.reassign(p["duty"], q, p["asker"].id, "不是专家")
    services.answer(p["sub"], q, "分卷著录，**461** 连接整套。")
    assert q.status == "answered" and q.first_answer_by_id == p["sub"].id
    services.close(p["asker"], q, rating=5)
    assert q.status == "closed" and q.rating == 5
    assert [m.kind for m in q.messages] == ["question", "ask_back", "follow_up", "note", "reassign", "answer"]
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_type == "consultquestion")).all()
    assert actions == ["consult.asked", "consult.ask_back", "consult.follow_up", "consult.note", "consult.reassigned",
                       "consult.answer", "consult.closed"]
    with pytest.raises(DomainError):
        services.answer(p["duty"], q, "太晚了")


def test_only_experts_answer_and_only_the_asker_follows_up(gen):
    p = people(gen)
    q = ask(p)
    for who in (p["asker"], p["colleague"], p["trainer"], p["admin"]):
        with pytest.raises(PermissionDenied):
            services.answer(who, q, "我来答")
    with pytest.raises(PermissionDenied):
        services.follow_up(p["duty"], q, "替他补充")
    with pytest.raises(PermissionDenied):
        services.close(p["colleague"], q)
    with pytest.raises(DomainError):
        services.close(p["asker"], q, rating=9)


def test_others_cannot_see_someones_question(gen):
    p = people(gen)
    q = ask(p)
    for who in (p["stranger"], p["colleague"], p["trainer"]):
        with pytest.raises(PermissionDenied):
            services.get_question(who, q.id)
    for who in (p["asker"], p["duty"], p["sub"], p["admin"]):
        assert services.get_question(who, q.id) is q


def test_escalation_after_n_working_days_across_a_weekend(gen):
    p = people(gen)
    rota(p)
    q = ask(p)
    q.waiting_since = utc(2026, 11, 27, 2, 0)      # Friday 10:00 Beijing
    db.session.commit()
    assert escalation.escalate_due(utc(2026, 11, 30, 3, 0)) == []          # Monday: one working day
    assert escalation.escalate_due(utc(2026, 12, 1, 1, 59)) == []          # Tuesday 09:59
    # the roster of that week: the same lead
    rota(p, day=datetime(2026, 12, 1).date())
    assert escalation.escalate_due(utc(2026, 12, 1, 2, 0)) == [q]
    assert q.assignee == p["lead"] and q.escalated_from_id == p["duty"].id and q.escalated_at is not None
    assert q.messages[-1].kind == "escalation"
    assert any(n.kind == "consult_escalated" for n in notes(p["lead"]))
    assert any("升级" in m.subject for m in gen.outbox(p["lead"].email))
    assert escalation.escalate_due(utc(2026, 12, 10, 2, 0)) == []           # once per wait
    services.follow_up(p["asker"], q, "还在等")
    q.waiting_since = utc(2026, 12, 1, 3, 0)
    db.session.commit()
    assert escalation.escalate_due(utc(2026, 12, 10, 2, 0)) == [q]          # a new wait may escalate again


def test_answered_or_waiting_questions_do_not_escalate(gen):
    p = people(gen)
    rota(p)
    a, b = ask(p), ask(p, title="另一个")
    services.answer(p["duty"], a, "答复")
    services.answer(p["duty"], b, "请补充", kind="ask_back")
    assert escalation.escalate_due(utc(2030, 1, 1)) == []


def test_publish_anonymised_and_search_short_chinese_queries(gen):
    p = people(gen)
    rota(p)
    q = ask(p, title="多卷书怎么著录", body="我是提问人甲，请问多卷书 461 怎么写？")
    with pytest.raises(DomainError):
        faq.publish(p["duty"], q, "标题", "问", "答")                      # not answered yet
    services.answer(p["duty"], q, "分卷著录，用 461 连接整套；100% 按细则_执行。")
    draft = faq.draft_for(q)
    with pytest.raises(DomainError) as e:                                 # still names the asker
        faq.publish(p["duty"], q, draft["title"], draft["question_text"], draft["answer_text"])
    assert e.value.field == "question_text"
    with pytest.raises(DomainError):
        faq.publish(p["duty"], q, "题", f"{p['lib'].name_zh}问：多卷书", "答")
    with pytest.raises(PermissionDenied):
        faq.publish(p["asker"], q, "题", "问", "答")
    e = faq.publish(p["duty"], q, "多卷书的著录", "多卷书 461 怎么写？", draft["answer_text"])
    assert "提问人甲" in q.body                                          # the original stays as it was
    assert [x.id for x in faq.search("卷")] == [e.id]                   # one character
    assert [x.id for x in faq.search("整套")] == [e.id]                 # two characters
    assert [x.id for x in faq.search("多卷书 461")] == [e.id]
    assert faq.search("提问人") == [] and faq.search("陶瓷") == []
    assert [x.id for x in faq.search("100%")] == [e.id] and faq.search("0%按") == []
    assert [x.id for x in faq.search("细则_")] == [e.id] and faq.search("则__") == []
    assert faq.search("卷", category="marc21") == []


def test_asking_is_rate_limited(gen, ctx):
    p = people(gen)
    ctx.config["CONSULT_MESSAGES_PER_MINUTE"] = 2
    try:
        ask(p), ask(p)
        with pytest.raises(DomainError) as e:
            ask(p)
        assert e.value.field == "body"
        assert ask(p, user=p["colleague"]).asker_id == p["colleague"].id   # per person
    finally:
        ctx.config.pop("CONSULT_MESSAGES_PER_MINUTE")
