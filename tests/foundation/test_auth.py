from sqlalchemy import select

from app.accounts.models import LoginFailure, User
from app.accounts.passwords import verify_password
from app.extensions import db
from tests.factories import PASSWORD, gen_user, link_in, login, outbox


def test_password_is_hashed_with_argon2(gen):
    user = gen_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, PASSWORD) and not verify_password(user.password_hash, "nope")


def test_sign_in_and_out(client, gen):
    user = gen_user("cataloguer", library=gen.gen_library())
    resp = login(client, user)
    assert resp.status_code == 302
    page = client.get("/account/profile")
    assert page.status_code == 200 and user.email in page.get_data(as_text=True)
    assert client.get("/account/logout").status_code == 405  # signing out is a POST
    client.post("/account/logout")
    assert client.get("/account/profile").status_code == 302


def test_wrong_password_says_so_without_revealing_which_part(client, gen):
    user = gen_user()
    for email in (user.email, "nobody@example.cn"):
        resp = login(client, email, "wrong-password-1")
        assert resp.status_code == 200
        assert "Wrong e-mail address or password" in resp.get_data(as_text=True) or "错误" in resp.get_data(as_text=True)


def test_throttled_after_repeated_failures(client, gen, app):
    user = gen_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, user, "wrong-password-1")
    resp = login(client, user)  # even the right password is refused now
    assert resp.status_code == 429
    assert client.get("/account/profile").status_code == 302
    # the lock is per account: another account from the same address still signs in
    other = gen_user()
    assert login(client, other).status_code == 302


def test_success_clears_the_account_failures(client, gen):
    user = gen_user()
    login(client, user, "wrong-password-1")
    assert login(client, user).status_code == 302
    assert db.session.scalar(select(LoginFailure).where(LoginFailure.key == f"email:{user.email}")) is None


def test_disabled_user_cannot_sign_in(client, gen):
    user = gen_user(disabled_at=None)
    from app.core.types import utcnow

    user.disabled_at = utcnow()
    db.session.commit()
    resp = login(client, user)
    assert resp.status_code == 200 and client.get("/account/profile").status_code == 302


def test_not_activated_user_cannot_sign_in(client, gen):
    user = gen_user(active=False)
    assert login(client, user).status_code == 200
    assert client.get("/account/profile").status_code == 302


def test_disabling_signs_the_user_out_everywhere(client, gen):
    admin = gen_user("centre_admin")
    user = gen_user()
    login(client, user)
    assert client.get("/account/profile").status_code == 200
    from app.accounts.services import disable_user

    disable_user(admin, user, "left the library")
    assert client.get("/account/profile").status_code == 302


def test_password_reset_by_emailed_link(client, gen):
    user = gen_user()
    resp = client.post("/account/forgot", data={"email": user.email})
    assert resp.status_code == 302
    [msg] = outbox(user.email)
    path = link_in(msg)
    assert client.get(path).status_code == 200
    bad = client.post(path, data={"password": "short", "confirm": "short"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    ok = client.post(path, data={"password": "New-password-77", "confirm": "New-password-77"})
    assert ok.status_code == 302
    assert login(client, user, "New-password-77").status_code == 302
    # the link works once only
    assert client.get(path).status_code == 400


def test_reset_for_unknown_address_looks_the_same_and_sends_nothing(client, gen):
    resp = client.post("/account/forgot", data={"email": "nobody@example.cn"})
    assert resp.status_code == 302
    assert outbox() == []


def test_tampered_token_is_refused(client, gen):
    assert client.get("/account/reset/not-a-token").status_code == 400
    assert client.get("/account/activate/not-a-token").status_code == 400


def test_change_password_checks_the_current_one(client, gen):
    user = gen_user()
    login(client, user)
    resp = client.post("/account/profile", data={"which": "password", "pw-current": "wrong-one-1",
                                                 "pw-password": "Another-pass-9", "pw-confirm": "Another-pass-9"})
    assert resp.status_code == 200
    resp = client.post("/account/profile", data={"which": "password", "pw-current": PASSWORD,
                                                 "pw-password": "Another-pass-9", "pw-confirm": "Another-pass-9"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, "Another-pass-9")
    assert client.get("/account/profile").status_code == 200  # this session stays signed in


def test_open_redirect_after_login_is_refused(client, gen):
    user = gen_user()
    resp = client.post("/account/login?next=//evil.example/x", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302 and "evil.example" not in resp.headers["Location"]


def test_csrf_is_enforced(app, ctx):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        resp = client.post("/account/login", data={"email": "a@b.cn", "password": "x"})
        assert resp.status_code == 400
        page = client.get("/account/login").get_data(as_text=True)
        assert 'name="csrf_token"' in page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
