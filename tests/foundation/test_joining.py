"""The joining workflow, step by step, as the applicant and the centre see it."""
import pytest
from sqlalchemy import select

from app.accounts.models import AuditEntry, User
from app.core.errors import DomainError, PermissionDenied
from app.extensions import db
from app.members import services as members
from app.members.models import Library
from tests.factories import gen_agreements, gen_centre, gen_region, gen_user, link_in, login, outbox


def _register(client, region, centre, **over):
    data = {"name_zh": "江城大学图书馆", "name_en": "Jiangcheng University Library", "type": "academic",
            "region_id": region.id, "centre_id": centre.id, "contact_name": "陈老师",
            "contact_email": "chen@jcu.example.cn", "contact_phone": "027-1234567"}
    data.update(over)
    return client.post("/members/join", data=data)


def test_the_whole_joining_workflow(client, gen):
    region = gen_region()
    centre = gen_centre(region=region)
    agreements = {a.kind: a for a in gen_agreements()}
    admin = gen_user("centre_admin")

    resp = _register(client, region, centre)
    assert resp.status_code == 200
    lib = db.session.scalar(select(Library).where(Library.name_zh == "江城大学图书馆"))
    assert lib.status == "registered" and lib.code is None
    [msg] = outbox("chen@jcu.example.cn")
    app_path = link_in(msg)

    # step 2: both agreements, with the versions recorded
    page = client.get(app_path)
    assert page.status_code == 200 and "条款" in page.get_data(as_text=True)
    refused = client.post(app_path, data={"step": "agreements", "a-service_id": agreements["service"].id,
                                          "a-union_catalogue_id": agreements["union_catalogue"].id,
                                          "a-accept_service": "y", "a-accepted_by_name": "陈老师"})
    assert refused.status_code == 200 and db.session.get(Library, lib.id).status == "registered"
    ok = client.post(app_path, data={"step": "agreements", "a-service_id": agreements["service"].id,
                                     "a-union_catalogue_id": agreements["union_catalogue"].id,
                                     "a-accept_service": "y", "a-accept_union_catalogue": "y",
                                     "a-accepted_by_name": "陈老师"})
    assert ok.status_code == 302
    db.session.expire_all()
    lib = db.session.get(Library, lib.id)
    assert lib.status == "agreed"
    assert {a.agreement.kind: a.agreement.version for a in lib.acceptances} == {"service": "1.0", "union_catalogue": "1.0"}

    # step 3: the member-information form; the address is required
    missing = client.post(app_path, data={"step": "info", "i-contact_phone": "027-1"})
    assert missing.status_code == 200 and db.session.get(Library, lib.id).status == "agreed"
    client.post(app_path, data={"step": "info", "i-address": "武汉市珞珈山", "i-contact_phone": "027-1",
                                "i-cataloguer_count": "6"})
    db.session.expire_all()
    assert db.session.get(Library, lib.id).status == "submitted"

    # step 4: the centre sees it in its queue and opens the account
    login(client, admin)
    queue = client.get("/admin/applications/submitted")
    assert "江城大学图书馆" in queue.get_data(as_text=True)
    resp = client.post(f"/admin/applications/library/{lib.id}", data={"action": "open", "o-code": "jcu"})
    assert resp.status_code == 302
    db.session.expire_all()
    lib = db.session.get(Library, lib.id)
    assert lib.status == "opened" and lib.code == "JCU"
    assert client.get(app_path).status_code == 404  # the application link is spent
    client.post("/account/logout")

    # step 5: the contact person activates the account from the e-mail
    activation = outbox("chen@jcu.example.cn")[-1]
    resp = client.post(link_in(activation), data={"password": "Jiang-cheng-2026", "confirm": "Jiang-cheng-2026"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Library, lib.id).status == "active"
    user = db.session.scalar(select(User).where(User.email == "chen@jcu.example.cn"))
    assert {g.role for g in user.active_grants} == {"cataloguer", "library_admin"}
    assert login(client, user, "Jiang-cheng-2026").status_code == 302
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    for expected in ("library.registered", "library.agreement_accepted", "library.info_submitted",
                     "library.opened", "role.granted", "user.activated", "library.activated"):
        assert expected in actions


def test_register_refuses_bad_input_beside_the_fields(client, gen):
    region, other = gen_region(), gen_region()
    centre = gen_centre(region=other)
    gen_user(email="taken@example.cn")
    resp = _register(client, region, centre, contact_email="taken@example.cn")
    assert resp.status_code == 200
    resp = _register(client, region, centre)
    text = resp.get_data(as_text=True)
    assert 'aria-invalid="true"' in text
    assert db.session.scalar(select(Library)) is None and outbox() == []


def test_changed_agreement_must_be_read_again(ctx, gen):
    lib = gen.gen_library(status="registered", application_nonce="n" * 32)
    agreements = {a.kind: a.id for a in gen_agreements()}
    stale = dict(agreements, service=agreements["service"] + 999)
    with pytest.raises(DomainError):
        members.accept_agreements(lib, "某人", stale)
    assert db.session.get(Library, lib.id).status == "registered"


def test_steps_cannot_be_skipped(ctx, gen):
    lib = gen.gen_library(status="registered", code=None)
    with pytest.raises(DomainError):
        members.submit_member_info(lib, {"address": "x"})
    admin = gen_user("centre_admin")
    with pytest.raises(DomainError):
        members.open_account(admin, lib, "ABC")


def test_only_the_centre_opens_or_rejects(ctx, gen):
    lib = gen.gen_library(status="submitted", code=None)
    someone = gen_user("cataloguer", library=gen.gen_library())
    with pytest.raises(PermissionDenied):
        members.open_account(someone, lib, "ABC")
    with pytest.raises(PermissionDenied):
        members.reject_application(someone, lib, "no")


def test_reject_with_a_reason_tells_the_applicant(ctx, gen):
    lib = gen.gen_library(status="submitted", code=None)
    admin = gen_user("centre_admin")
    with pytest.raises(DomainError):
        members.reject_application(admin, lib, "  ")
    members.reject_application(admin, lib, "不符合成员馆条件")
    assert lib.status == "rejected"
    assert "不符合成员馆条件" in outbox(lib.contact_email)[-1].body


def test_library_code_must_be_unique(ctx, gen):
    gen.gen_library(code="DUP")
    lib = gen.gen_library(status="submitted", code=None)
    admin = gen_user("centre_admin")
    with pytest.raises(DomainError) as err:
        members.open_account(admin, lib, "dup")
    assert err.value.field == "code"
    assert db.session.get(Library, lib.id).status == "submitted"
