from tests.factories import gen_user, login


def test_home_page_is_chinese_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "登录" in page  # "Sign in"


def test_switch_to_english_and_back(client):
    resp = client.post("/lang", data={"lang": "en", "next": "/account/login"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/login")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page
    client.post("/lang", data={"lang": "zh_CN"})
    assert "登录" in client.get("/").get_data(as_text=True)


def test_language_switch_stays_on_this_site(client):
    resp = client.post("/lang", data={"lang": "en", "next": "https://evil.example/"})
    assert "evil.example" not in resp.headers["Location"]


def test_users_language_preference_applies_at_sign_in(client, ctx):
    user = gen_user(locale="en")
    login(client, user)
    assert "Sign out" in client.get("/").get_data(as_text=True)


def test_friendly_error_pages(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "首页" in page.get_data(as_text=True)  # a way back home, in Chinese


def test_navigation_shows_only_what_the_user_may_open(client, ctx):
    page = client.get("/").get_data(as_text=True)
    assert "/admin/" not in page
    admin = gen_user("centre_admin")
    login(client, admin)
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)


def test_security_headers(client):
    resp = client.get("/")
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
