"""The centre's exam pages and the expert queue: who may see them, the forms, release, review."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import AuditEntry
from app.certification import grading, rounds
from app.certification.attempt_models import Certificate, GradingReview, ScoreChange
from app.certification.models import ExamRound, Registration, TrainingCertificate
from app.extensions import db

from .factories import close_sittings, gen_bank, gen_round, sit

P = "/exams/admin"


@pytest.fixture
def world(gen):
    """A small bank, an open round on a tiny blueprint, one candidate who sat both sections
    (the MARC task is always in the expert band), an admin and experts in and outside the
    candidate's library."""
    lib, other = gen.gen_library(), gen.gen_library()
    admin = gen.gen_user("centre_admin", locale="en")  # pages asserted in English
    cand = gen.gen_user("cataloguer", library=lib, name="考生甲")
    rounds.record_training_certificate(admin, cand, "TC-V1")
    gen_bank(n=3)
    r = gen_round()
    reg = rounds.register(cand, r)
    sit(cand, reg, "A")
    sit(cand, reg, "B")
    return {"admin": admin, "cand": cand, "round": r, "reg": reg, "lib": lib,
            "expert": gen.gen_user("cataloguer", ("expert", "quality"), library=other, locale="en"),
            "colleague": gen.gen_user("cataloguer", ("expert", "quality"), library=lib, locale="en"),
            "review": db.session.scalar(select(GradingReview))}


def _pages(w):
    r, rv = w["round"], w["review"]
    return [f"{P}/", f"{P}/rounds/new", f"{P}/rounds/{r.id}", f"{P}/rounds/{r.id}/results",
            f"{P}/rounds/{r.id}/results?format=csv", f"{P}/rounds/{r.id}/registrations.csv",
            f"{P}/rounds/{r.id}/stats", f"{P}/rounds/{r.id}/stats.csv", f"{P}/training", f"{P}/certificates",
            f"{P}/reviews", f"{P}/reviews/{rv.id}"]


def test_centre_admin_sees_every_page_and_others_are_refused(client, gen, world):
    gen.login(client, world["admin"])
    for url in _pages(world):
        resp = client.get(url)
        assert resp.status_code == 200, url
    page = client.get(f"{P}/rounds/{world['round'].id}/results").get_data(as_text=True)
    assert "考生甲" in page
    csv = client.get(f"{P}/rounds/{world['round'].id}/registrations.csv").get_data(as_text=True)
    assert world["cand"].email in csv and csv.startswith("\ufeffregistration,")
    stats = client.get(f"{P}/rounds/{world['round'].id}/stats").get_data(as_text=True)
    assert stats.count("<svg") == 2 and "&lt;svg" not in stats  # one chart a section, not escaped
    client.post("/account/logout")
    gen.login(client, world["cand"])
    for url in _pages(world):
        assert client.get(url).status_code == 403, url
    client.post("/account/logout")
    gen.login(client, world["expert"])
    assert client.get(f"{P}/").status_code == 302
    assert client.get(f"{P}/rounds/{world['round'].id}").status_code == 403
    assert client.get(f"{P}/reviews").status_code == 200


def test_create_round_sitting_status_and_decision_through_the_forms(client, gen, world):
    gen.login(client, world["admin"])
    resp = client.post(f"{P}/rounds/new", data={
        "blueprint_code": "level3-western", "code": "2027-1", "title_zh": "2027年第1期", "title_en": "2027 round 1",
        "registration_opens_at": "2027-03-01T09:00", "registration_closes_at": "2027-03-20T17:00",
        "seats": "", "results_release_at": "", "certificate_valid_years": "3", "note": ""})
    assert resp.status_code == 302
    r = db.session.scalar(select(ExamRound).where(ExamRound.code == "2027-1"))
    assert r.registration_opens_at == datetime(2027, 3, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 Beijing
    assert r.seats is None and r.scope == "western"
    again = client.post(f"{P}/rounds/new", data={
        "blueprint_code": "level3-western", "code": "2027-1", "title_zh": "x", "title_en": "x",
        "registration_opens_at": "2027-03-01T09:00", "registration_closes_at": "2027-03-20T17:00",
        "certificate_valid_years": "3"})
    assert again.status_code == 200 and "A round with this code exists already." in again.get_data(as_text=True)
    opened = client.post(f"{P}/rounds/{r.id}/status", data={"st-status": "open"})
    assert opened.status_code == 200 and "Add a sitting for every section first" in opened.get_data(as_text=True)
    for section in ("A", "B"):
        resp = client.post(f"{P}/rounds/{r.id}/sittings", data={
            "s-section": section, "s-opens_at": "2027-04-01T09:00", "s-closes_at": "2027-04-01T17:00"})
        assert resp.status_code == 302
    assert client.post(f"{P}/rounds/{r.id}/status", data={"st-status": "open"}).status_code == 302
    db.session.expire_all()
    assert r.status == "open" and len(r.sittings) == 2
    # a pending registration is approved or refused with a reason
    w = world
    pending = gen.gen_user("cataloguer", library=w["lib"])
    reg = rounds.register(pending, w["round"], note="省中心培训")
    client.post(f"{P}/registrations/{reg.id}/decide", data={"d-decision": "refuse", "d-reason": ""})
    db.session.expire_all()
    assert reg.status == "pending"
    client.post(f"{P}/registrations/{reg.id}/decide", data={"d-decision": "refuse", "d-reason": "材料不全"})
    db.session.expire_all()
    assert (reg.status, reg.decision_reason) == ("refused", "材料不全")


def test_release_shows_why_it_cannot_and_then_releases(client, gen, world):
    gen.login(client, world["admin"])
    url = f"{P}/rounds/{world['round'].id}"
    page = client.post(f"{url}/release", follow_redirects=True).get_data(as_text=True)
    assert "only after the last sitting has closed" in page
    close_sittings(world["round"])
    page = client.post(f"{url}/release", follow_redirects=True).get_data(as_text=True)
    assert "still waiting for expert review" in page
    grading.resolve(world["expert"], world["review"], world["review"].item.score, "评分无误")
    page = client.post(f"{url}/release", follow_redirects=True).get_data(as_text=True)
    assert "The results are released; 1 certificates issued." in page
    cert = db.session.scalar(select(Certificate))
    assert cert.user_id == world["cand"].id
    page = client.get(f"{P}/certificates?q={cert.number}").get_data(as_text=True)
    assert cert.number in page
    client.post(f"{P}/certificates/{cert.id}/revoke", data={"r-reason": ""})
    db.session.expire_all()
    assert cert.revoked_at is None
    client.post(f"{P}/certificates/{cert.id}/revoke", data={"r-reason": "考试作弊"})
    db.session.expire_all()
    assert cert.revoked_at is not None and cert.revoke_reason == "考试作弊"


def test_expert_resolves_a_review_anonymously_with_a_reason(client, gen, world):
    rv = world["review"]
    gen.login(client, world["expert"])
    queue = client.get(f"{P}/reviews").get_data(as_text=True)
    assert f"#{world['reg'].id}" in queue and "考生甲" not in queue
    page = client.get(f"{P}/reviews/{rv.id}").get_data(as_text=True)
    assert "考生甲" not in page and world["cand"].email not in page
    assert "=200  1\\$a编目测试" in page  # the reference record
    old = rv.item.score
    resp = client.post(f"{P}/reviews/{rv.id}", data={"v-score": "15.5", "v-reason": ""})
    assert resp.status_code == 200 and db.session.scalar(select(ScoreChange)) is None
    resp = client.post(f"{P}/reviews/{rv.id}", data={"v-score": "25", "v-reason": "超出满分"})
    assert "between 0 and" in resp.get_data(as_text=True)
    resp = client.post(f"{P}/reviews/{rv.id}", data={"v-score": "15.5", "v-reason": "606 主题词可接受"})
    assert resp.status_code == 302
    db.session.expire_all()
    change = db.session.scalar(select(ScoreChange))
    assert (change.old_score, change.new_score, change.reason, change.actor_id) == (
        old, Decimal("15.50"), "606 主题词可接受", world["expert"].id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exam.score_changed"))
    assert entry.reason == "606 主题词可接受" and entry.actor_id == world["expert"].id
    assert rv.status == "done" and rv.item.score == Decimal("15.50")
    history = client.get(f"{P}/reviews/{rv.id}").get_data(as_text=True)
    assert "606 主题词可接受" in history


def test_an_expert_from_the_candidates_library_is_refused(client, gen, world):
    rv = world["review"]
    gen.login(client, world["colleague"])
    assert "#%d" % world["reg"].id not in client.get(f"{P}/reviews").get_data(as_text=True)
    assert client.get(f"{P}/reviews/{rv.id}").status_code == 403
    assert client.post(f"{P}/reviews/{rv.id}", data={"v-score": "20", "v-reason": "满分"}).status_code == 403
    db.session.expire_all()
    assert rv.status == "open" and db.session.scalar(select(ScoreChange)) is None


def test_training_certificate_recorded_by_email(client, gen, world):
    gen.login(client, world["admin"])
    person = gen.gen_user("cataloguer", library=world["lib"], email="new.cataloguer@example.cn")
    resp = client.post(f"{P}/training", data={"email": "nobody@example.cn", "number": "TC-9", "kind": "general"})
    assert "No account has this e-mail." in resp.get_data(as_text=True)
    resp = client.post(f"{P}/training", data={"email": "New.Cataloguer@example.cn", "number": "TC-9",
                                              "kind": "general"})
    assert resp.status_code == 302
    tc = db.session.scalar(select(TrainingCertificate).where(TrainingCertificate.number == "TC-9"))
    assert tc.user_id == person.id and tc.issued_by_id == world["admin"].id
    resp = client.post(f"{P}/training", data={"email": person.email, "number": "TC-9", "kind": "general"})
    assert "on record already" in resp.get_data(as_text=True)
    assert "TC-9" in client.get(f"{P}/training?q=new.cataloguer").get_data(as_text=True)
    assert db.session.scalar(select(Registration).where(Registration.user_id == person.id)) is None
