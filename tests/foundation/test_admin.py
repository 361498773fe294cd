from sqlalchemy import select

from app.accounts.models import AuditEntry, User
from app.extensions import db
from app.members.models import Library
from tests.factories import gen_centre, gen_library, gen_region, gen_user, login


def _admin(client):
    admin = gen_user("centre_admin")
    login(client, admin)
    return admin


def test_search_libraries_and_people(client, gen):
    _admin(client)
    gen_library(name_zh="珞珈大学图书馆", code="LJ")
    gen_library(name_zh="其他学院图书馆")
    page = client.get("/admin/libraries?q=珞珈").get_data(as_text=True)
    assert "珞珈大学图书馆" in page and "其他学院图书馆" not in page
    gen_user(name="王小明", email="wxm@example.cn")
    page = client.get("/admin/users?q=wxm").get_data(as_text=True)
    assert "王小明" in page


def test_edit_library_is_audited_and_validated(client, gen):
    admin = _admin(client)
    region = gen_region()
    centre = gen_centre(region=region)
    lib = gen_library(region=region)
    form = {"name_zh": "新名称图书馆", "type": "public", "region_id": region.id, "centre_id": centre.id,
            "contact_name": "张", "contact_email": "z@example.cn"}
    assert client.post(f"/admin/libraries/{lib.id}", data=form).status_code == 302
    db.session.expire_all()
    lib = db.session.get(Library, lib.id)
    assert lib.name_zh == "新名称图书馆" and lib.type == "public" and lib.centre_id == centre.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "library.edited"))
    assert entry.actor_id == admin.id and "name_zh" in entry.details["changes"]
    # a centre of another region is refused beside the field, and nothing is saved
    other_centre = gen_centre(region=gen_region())
    bad = client.post(f"/admin/libraries/{lib.id}", data=dict(form, name_zh="不该保存", centre_id=other_centre.id))
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Library, lib.id).name_zh == "新名称图书馆"


def test_disable_library_and_upload_right_need_a_reason(client, gen):
    _admin(client)
    lib = gen_library()
    client.post(f"/admin/libraries/{lib.id}/disable", data={})
    db.session.expire_all()
    assert db.session.get(Library, lib.id).disabled_at is None
    client.post(f"/admin/libraries/{lib.id}/disable", data={"r-reason": "协议到期"})
    client.post(f"/admin/libraries/{lib.id}/grant_upload", data={"r-reason": "首位认证编目员"})
    db.session.expire_all()
    lib = db.session.get(Library, lib.id)
    assert lib.disabled_at is not None and lib.upload_right
    actions = set(db.session.scalars(select(AuditEntry.action)).all())
    assert {"library.disabled", "library.upload_right_granted"} <= actions


def test_grant_with_expiry_and_revoke_from_the_user_page(client, gen):
    _admin(client)
    user = gen_user("cataloguer", library=gen_library())
    resp = client.post(f"/admin/users/{user.id}", data={"which": "grant", "g-role": "certified", "g-scope": "western",
                                                         "g-level": "3", "g-expires_on": "2031-06-30", "g-reason": "通过考试"})
    assert resp.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    [cert] = [g for g in user.grants if g.role == "certified"]
    # the end of that day in Beijing time
    assert cert.expires_at.isoformat() == "2031-06-30T15:59:59+00:00"
    missing_scope = client.post(f"/admin/users/{user.id}", data={"which": "grant", "g-role": "certified",
                                                                  "g-level": "3", "g-reason": "x"})
    assert missing_scope.status_code == 200 and 'aria-invalid="true"' in missing_scope.get_data(as_text=True)
    client.post(f"/admin/users/{user.id}/revoke/{cert.id}", data={"r-reason": "证书撤销"})
    db.session.expire_all()
    assert db.session.get(type(cert), cert.id).revoke_reason == "证书撤销"


def test_disable_user_from_admin(client, gen):
    _admin(client)
    user = gen_user()
    client.post(f"/admin/users/{user.id}/disable", data={"r-reason": "离职"})
    db.session.expire_all()
    assert db.session.get(User, user.id).disabled_at is not None
    client.post(f"/admin/users/{user.id}/enable", data={"r-reason": "返岗"})
    db.session.expire_all()
    assert db.session.get(User, user.id).disabled_at is None


def test_admin_cannot_disable_self(client, gen):
    admin = _admin(client)
    client.post(f"/admin/users/{admin.id}/disable", data={"r-reason": "oops"})
    db.session.expire_all()
    assert db.session.get(User, admin.id).disabled_at is None


def test_audit_log_lists_and_filters(client, gen):
    _admin(client)
    user = gen_user("cataloguer", library=gen_library())
    page = client.get("/admin/audit?action=role.granted").get_data(as_text=True)
    assert "role.granted" in page and "user.created" not in page
    assert client.get(f"/admin/users/{user.id}").status_code == 200


def test_library_admin_adds_a_person_who_activates(client, gen):
    lib = gen_library()
    la = gen_user("cataloguer", "library_admin", library=lib)
    login(client, la)
    resp = client.post(f"/members/{lib.id}/people", data={"name": "新同事", "email": "new@example.cn"})
    assert resp.status_code == 302
    dup = client.post(f"/members/{lib.id}/people", data={"name": "又一个", "email": "NEW@example.cn"})
    assert dup.status_code == 400 and 'aria-invalid="true"' in dup.get_data(as_text=True)
    person = db.session.scalar(select(User).where(User.email == "new@example.cn"))
    assert person.library_id == lib.id and not person.is_active
    assert [g.role for g in person.active_grants] == ["cataloguer"]


def test_unknown_ids_give_404(client, gen):
    _admin(client)
    for url in ("/admin/libraries/999999", "/admin/users/999999", "/members/999999",
                "/admin/applications/library/999999", "/admin/applications/nonsense", "/no/such/page"):
        assert client.get(url).status_code == 404, url
