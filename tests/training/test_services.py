"""Training rules: sessions, registration with capacity and a waiting list, the deadline,
cancelling with a reason, attendance by trainers only, certificates and the exam's eligibility."""
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.accounts.models import AuditEntry
from app.certification import rounds
from app.certification.models import TrainingCertificate
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.training import certificates, services, stats
from app.training.models import SHANGHAI

from .conftest import session_values


def test_trainers_create_sessions_and_the_rules_are_checked(world):
    trainer = world["trainer"]
    s = services.create_session(trainer, **session_values(capacity=30))
    assert (s.status, s.kind, s.capacity, s.created_by_id) == ("draft", "general", 30, trainer.id)
    today = utcnow().astimezone(SHANGHAI).date()
    for bad, field in [(dict(kind="cooking"), "kind"), (dict(title_en=" "), "title_en"),
                       (dict(mode="city", city=""), "city"), (dict(mode="online", online_url=None), "online_url"),
                       (dict(mode="online", online_url="javascript:alert(1)"), "online_url"),
                       (dict(ends_on=today), "ends_on"), (dict(capacity=0), "capacity"),
                       (dict(registration_closes_at=utcnow() + timedelta(days=40)), "registration_closes_at")]:
        with pytest.raises(DomainError) as e:
            services.create_session(trainer, **session_values(**bad))
        assert e.value.field == field, bad
        db.session.rollback()
    with pytest.raises(PermissionDenied):
        services.create_session(world["cats"][0], **session_values())
    with pytest.raises(PermissionDenied):
        services.create_session(world["gen"].gen_user("centre_admin"), **session_values())
    services.publish(trainer, s)
    with pytest.raises(DomainError):
        services.publish(trainer, s)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "training.session_published"))


def test_drafts_take_no_registrations(world, make_session):
    s = make_session(publish=False)
    with pytest.raises(DomainError):
        services.register(world["cats"][0], s)


def test_capacity_waiting_list_and_promotion(world, make_session):
    gen, cats = world["gen"], world["cats"]
    s = make_session(capacity=2)
    regs = [services.register(c, s) for c in cats]
    assert [r.status for r in regs] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert regs[0].library_id == world["lib"].id
    with pytest.raises(DomainError):
        services.register(cats[0], s)  # twice
    # a waiting person leaving frees no place and moves nobody
    assert services.cancel_registration(cats[3], regs[3]) is None
    assert regs[2].status == "waitlisted"
    # a registered person leaving moves the first waiting one up, who is told by mail
    promoted = services.cancel_registration(cats[0], regs[0])
    assert promoted is regs[2] and regs[2].status == "registered"
    assert services.places_taken(s) == 2
    mails = gen.outbox(cats[2].email)
    assert len(mails) == 1 and s.title_zh in mails[0].body and "/training/sessions/" in mails[0].body
    assert gen.outbox(cats[3].email) == []
    with pytest.raises(PermissionDenied):
        services.cancel_registration(cats[1], regs[2])  # not theirs
    with pytest.raises(DomainError):
        services.cancel_registration(cats[0], regs[0])  # already cancelled
    # registering again after cancelling goes to the back of the queue
    again = services.register(cats[0], s)
    assert again.id == regs[0].id and again.status == "waitlisted"


def test_raising_the_capacity_promotes_the_waiting(world, make_session):
    cats = world["cats"]
    s = make_session(capacity=1)
    regs = [services.register(c, s) for c in cats[:3]]
    services.update_session(world["trainer"], s, capacity=2)
    assert [r.status for r in regs] == ["registered", "registered", "waitlisted"]
    with pytest.raises(DomainError) as e:
        services.update_session(world["trainer"], s, capacity=1)
    assert e.value.field == "capacity"


def test_registration_closes_at_its_date_and_needs_an_active_member(world, make_session):
    gen, cats = world["gen"], world["cats"]
    s = make_session()
    with force_locale("en"), pytest.raises(DomainError) as e:
        services.register(cats[0], s, now=s.registration_closes_at)
    with force_locale("en"):
        assert "closed" in str(e.value.message)
    assert services.register(cats[0], s, now=s.registration_closes_at - timedelta(minutes=1)).status == "registered"
    with pytest.raises(PermissionDenied):
        services.register(gen.gen_user("centre_admin"), s)
    suspended = gen.gen_library(status="registered")
    with pytest.raises(PermissionDenied):
        services.register(gen.gen_user("cataloguer", library=suspended), s)
    # once the session has begun, a registration can no longer be cancelled
    reg = services.own_registration(cats[0], s)
    with pytest.raises(DomainError):
        services.cancel_registration(cats[0], reg, now=s.starts_at + timedelta(hours=1))


def test_cancelling_needs_a_reason_and_tells_the_registered(world, make_session):
    gen, cats = world["gen"], world["cats"]
    s = make_session(capacity=1)
    services.register(cats[0], s)
    services.register(cats[1], s)  # waiting
    services.cancel_registration(cats[2], services.register(cats[2], s))  # left: not told
    with pytest.raises(DomainError) as e:
        services.cancel_session(world["trainer"], s, "  ")
    assert e.value.field == "reason"
    with pytest.raises(PermissionDenied):
        services.cancel_session(cats[0], s, "不想办了")
    assert services.cancel_session(world["trainer"], s, "讲师因病无法到场") == 2
    assert s.status == "cancelled" and s.cancel_reason == "讲师因病无法到场"
    for c in cats[:2]:
        (msg,) = gen.outbox(c.email)
        assert "讲师因病无法到场" in msg.body and msg.kind == "training"
    assert gen.outbox(cats[2].email) == []
    with pytest.raises(DomainError):
        services.register(cats[3], s)
    with pytest.raises(DomainError):
        services.update_session(world["trainer"], s, capacity=5)


def test_attendance_is_recorded_by_trainers_after_the_start(world, make_session):
    cats, trainer = world["cats"], world["trainer"]
    s = make_session()
    reg = services.register(cats[0], s)
    during = s.starts_at + timedelta(hours=9)
    with pytest.raises(PermissionDenied):
        services.record_attendance(cats[1], reg, True, now=during)
    with pytest.raises(PermissionDenied):
        services.record_attendance(cats[0], reg, True, now=during)  # not even one's own
    with pytest.raises(DomainError):
        services.record_attendance(trainer, reg, True, now=s.starts_at - timedelta(minutes=1))
    services.record_attendance(trainer, reg, True, now=during)
    assert (reg.attended, reg.attendance_recorded_by_id) == (True, trainer.id)
    waiting = services.register(cats[1], s)
    waiting.status = "waitlisted"
    with pytest.raises(DomainError):
        services.record_attendance(trainer, waiting, True, now=during)


def test_certificates_are_issued_once_per_attendee(world, make_session):
    gen, cats, trainer = world["gen"], world["cats"], world["trainer"]
    s = make_session()
    regs = [services.register(c, s) for c in cats[:3]]
    during = s.starts_at + timedelta(hours=9)
    services.record_attendance(trainer, regs[0], True, now=during)
    services.record_attendance(trainer, regs[1], True, now=during)
    services.record_attendance(trainer, regs[2], False, now=during)
    with pytest.raises(PermissionDenied):
        certificates.issue_certificates(cats[0], s)
    first = certificates.issue_certificates(trainer, s)
    assert sorted(c.user_id for c in first) == sorted([cats[0].id, cats[1].id])
    year = utcnow().astimezone(SHANGHAI).year
    assert all(re.fullmatch(rf"PX-{year}-\d{{5}}", c.number) for c in first)
    assert len({c.number for c in first}) == 2
    assert all(c.session_id == s.id and c.kind == "general" for c in first)
    assert certificates.issue_certificates(trainer, s) == []  # idempotent
    services.record_attendance(trainer, regs[2], True, now=during)  # was marked absent by mistake
    (late,) = certificates.issue_certificates(trainer, s)
    assert late.user_id == cats[2].id and late.number.endswith("00003")
    assert db.session.scalar(select(db.func.count(TrainingCertificate.id))) == 3
    with pytest.raises(DomainError):
        services.record_attendance(trainer, regs[0], False, now=during)  # has a certificate
    assert any("PX-" in m.subject for m in gen.outbox(cats[0].email))
    own = next(c for c in first if c.user_id == cats[0].id)
    with pytest.raises(PermissionDenied):
        certificates.certificate_for_download(cats[1], own.id)
    assert certificates.certificate_for_download(cats[0], own.id) is own
    assert certificates.certificate_for_download(trainer, own.id) is own
    # a certificate the centre recorded by hand (training held elsewhere) is not printed here
    by_hand = rounds.record_training_certificate(gen.gen_user("centre_admin"), cats[3], "EXT-1")
    with pytest.raises(NotFound):
        certificates.certificate_for_download(cats[3], by_hand.id)


def test_a_general_training_certificate_admits_to_the_exam_without_approval(world, make_session):
    gen, cats, trainer = world["gen"], world["cats"], world["trainer"]
    admin = gen.gen_user("centre_admin")
    now = utcnow()
    r = rounds.create_round(admin, blueprint_code="level3-chinese", code="2026-T", title_zh="第T期",
                            title_en="Round T", registration_opens_at=now - timedelta(days=1),
                            registration_closes_at=now + timedelta(days=30))
    for section in ("A", "B"):
        rounds.add_sitting(admin, r, section, now + timedelta(days=31), now + timedelta(days=31, hours=3))
    rounds.set_status(admin, r, "open")
    with pytest.raises(DomainError):
        rounds.register(cats[0], r)  # no certificate: would need the centre's approval and a note
    db.session.rollback()
    s = make_session(kind="general")
    reg = services.register(cats[0], s)
    services.record_attendance(trainer, reg, True, now=s.starts_at + timedelta(hours=9))
    (cert,) = certificates.issue_certificates(trainer, s)
    exam_reg = rounds.register(cats[0], r)
    assert (exam_reg.status, exam_reg.basis, exam_reg.training_certificate_id) == (
        "registered", "training_certificate", cert.id)


def test_statistics_by_kind_year_and_region(world, make_session):
    gen, cats, trainer = world["gen"], world["cats"], world["trainer"]
    other_lib = gen.gen_library()
    outsider = gen.gen_user("cataloguer", library=other_lib)
    today = utcnow().astimezone(SHANGHAI).date()
    past = make_session(kind="cnmarc", starts_on=today - timedelta(days=3), ends_on=today - timedelta(days=2),
                        registration_closes_at=utcnow() - timedelta(days=4))
    regs = [services.register(c, past, now=utcnow() - timedelta(days=5)) for c in (cats[0], cats[1], outsider)]
    for reg, came in zip(regs, (True, True, False)):
        services.record_attendance(trainer, reg, came)
    make_session()  # upcoming: not held yet
    make_session(publish=False, starts_on=today - timedelta(days=1), ends_on=today - timedelta(days=1),
                 registration_closes_at=utcnow() - timedelta(days=2))  # a draft: not held
    st = stats.statistics()
    assert st.sessions_held == 1 and st.years == [past.starts_on.year]
    assert st.sessions_by_year_kind[past.starts_on.year]["cnmarc"] == 1
    assert (st.people, st.libraries, st.people_by_kind["cnmarc"], st.people_by_kind["general"]) == (2, 1, 2, 0)
    assert [(r.code, r.people, r.libraries) for r in st.regions] == [(world["lib"].region.code, 2, 1)]
    assert stats.statistics(year=past.starts_on.year + 1).people == 0


def test_a_topical_certificate_does_not_admit_to_the_exam(world, make_session):
    gen, cat, trainer = world["gen"], world["cats"][0], world["trainer"]
    s = make_session(kind="cnmarc")
    reg = services.register(cat, s)
    services.record_attendance(trainer, reg, True, now=s.starts_at + timedelta(hours=9))
    certificates.issue_certificates(trainer, s)
    assert rounds.valid_training_certificate(cat) is None
