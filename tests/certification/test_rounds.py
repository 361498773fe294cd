"""Rounds: creating and opening them, registering (training certificate or approval), seats,
the centre's decision, withdrawing."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import AuditEntry
from app.certification import rounds
from app.core.errors import DomainError, PermissionDenied
from app.core.types import utcnow
from app.extensions import db

from .factories import gen_bank, gen_round, sit


def _round_args(**kw):
    now = utcnow()
    args = dict(blueprint_code="level3-chinese", code="2026-1", title_zh="第1期", title_en="Round 1",
                registration_opens_at=now - timedelta(days=1), registration_closes_at=now + timedelta(days=5))
    args.update(kw)
    return args


def test_create_round_keeps_the_blueprint_and_validates(gen):
    admin = gen.gen_user("centre_admin")
    r = rounds.create_round(admin, **_round_args(seats=30, certificate_valid_years=4))
    assert (r.status, r.scope, r.level, r.blueprint.code, r.seats) == ("draft", "chinese", 3, "level3-chinese", 30)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exam.round_created")) is not None
    for bad, field in [(dict(code="2026-1"), "code"), (dict(code=" "), "code"),
                       (dict(code="x2", title_en=""), "title_zh"),
                       (dict(code="x3", registration_closes_at=utcnow() - timedelta(days=3)), "registration_closes_at"),
                       (dict(code="x4", seats=0), "seats"), (dict(code="x5", certificate_valid_years=11),
                                                             "certificate_valid_years"),
                       (dict(code="x6", blueprint_code="no-such"), "blueprint_code")]:
        with pytest.raises(DomainError) as e:
            rounds.create_round(admin, **_round_args(**bad))
        assert e.value.field == field, bad
        db.session.rollback()
    with pytest.raises(PermissionDenied):
        rounds.create_round(gen.gen_user(("expert", "consultation")), **_round_args(code="x7"))


def test_a_round_opens_only_with_a_sitting_for_every_section(gen):
    admin = gen.gen_user("centre_admin")
    r = rounds.create_round(admin, **_round_args())
    now = utcnow()
    with pytest.raises(DomainError):
        rounds.set_status(admin, r, "open")
    with pytest.raises(DomainError) as e:
        rounds.add_sitting(admin, r, "Z", now, now + timedelta(hours=2))
    assert e.value.field == "section"
    with pytest.raises(DomainError):
        rounds.add_sitting(admin, r, "A", now, now - timedelta(hours=2))
    rounds.add_sitting(admin, r, "A", now, now + timedelta(hours=2))
    with pytest.raises(DomainError):
        rounds.set_status(admin, r, "open")
    rounds.add_sitting(admin, r, "B", now, now + timedelta(hours=6), place="机房 2")
    rounds.set_status(admin, r, "open")
    assert r.status == "open"
    with pytest.raises(DomainError):
        rounds.set_status(admin, r, "cancelled")  # a reason is required
    rounds.set_status(admin, r, "cancelled", reason="疫情停考")
    with pytest.raises(DomainError):
        rounds.set_status(admin, r, "open")


def test_registration_with_and_without_training_certificate(gen):
    admin = gen.gen_user("centre_admin")
    lib = gen.gen_library()
    trained, untrained = gen.gen_user("cataloguer", library=lib), gen.gen_user("cataloguer", library=lib)
    rounds.record_training_certificate(admin, trained, "TC-1")
    r = gen_round()
    reg = rounds.register(trained, r)
    assert (reg.status, reg.basis, reg.library_id) == ("registered", "training_certificate", lib.id)
    with pytest.raises(DomainError):
        rounds.register(trained, r)  # twice
    with pytest.raises(DomainError) as e:
        rounds.register(untrained, r)
    assert e.value.field == "note"
    db.session.rollback()
    pending = rounds.register(untrained, r, note="参加过2025年省中心培训")
    assert (pending.status, pending.basis) == ("pending", "admin_approval")
    with pytest.raises(PermissionDenied):
        rounds.register(gen.gen_user("trainer"), r)  # not a cataloguer of a member library
    closed = gen_round(status="draft")
    with pytest.raises(DomainError):
        rounds.register(trained, closed)


def test_seats_and_decisions(gen):
    admin = gen.gen_user("centre_admin")
    lib = gen.gen_library()
    a, b, c = (gen.gen_user("cataloguer", library=lib) for _ in range(3))
    rounds.record_training_certificate(admin, a, "TC-A")
    rounds.record_training_certificate(admin, b, "TC-B")
    r = gen_round(seats=1)
    rounds.register(a, r)
    with pytest.raises(DomainError):
        rounds.register(b, r)  # the only seat is taken
    db.session.rollback()
    pending = rounds.register(c, r, note="请审批")
    with pytest.raises(DomainError):
        rounds.decide(admin, pending, True)  # no seat left
    db.session.rollback()
    with pytest.raises(DomainError) as e:
        rounds.decide(admin, pending, False)
    assert e.value.field == "reason"
    with pytest.raises(PermissionDenied):
        rounds.decide(a, pending, False, "no")
    rounds.decide(admin, pending, False, "名额已满")
    assert (pending.status, pending.decision_reason, pending.decided_by_id) == ("refused", "名额已满", admin.id)
    with pytest.raises(DomainError):
        rounds.decide(admin, pending, True)  # decided already
    r.seats = 5
    db.session.commit()
    again = rounds.register(c, r, note="再次申请")
    assert again.id == pending.id and again.status == "pending" and again.decision_reason is None
    rounds.decide(admin, again, True)
    assert again.status == "registered"
    assert [x.user_id for x in rounds.registrations(r, status="registered")] == [a.id, c.id]
    assert rounds.registrations(r, library_id=lib.id + 1000) == []


def test_withdraw(gen):
    admin = gen.gen_user("centre_admin")
    lib = gen.gen_library()
    a, b = gen.gen_user("cataloguer", library=lib), gen.gen_user("cataloguer", library=lib)
    for u in (a, b):
        rounds.record_training_certificate(admin, u, f"TC-W{u.id}")
    gen_bank(n=2)
    r = gen_round()
    reg_a, reg_b = rounds.register(a, r), rounds.register(b, r)
    with pytest.raises(PermissionDenied):
        rounds.withdraw(b, reg_a)
    rounds.withdraw(a, reg_a)
    assert reg_a.status == "withdrawn"
    with pytest.raises(DomainError):
        rounds.withdraw(a, reg_a)
    assert rounds.register(a, r).status == "registered"  # may register again
    sit(b, reg_b, "A")
    with pytest.raises(DomainError):
        rounds.withdraw(b, reg_b)
