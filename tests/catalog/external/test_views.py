"""The search page and the copy button, through the test client."""
import json

from sqlalchemy import select

from app.catalog.workflow_models import Draft
from app.extensions import db
from app.marc.io import to_bytes
from tests.catalog.records import marc21_book
from tests.factories import gen_library, gen_user, login


def _english(client):
    assert client.post("/lang", data={"lang": "en", "next": "/"}).status_code == 302


def _cataloguer():
    lib = gen_library()
    return gen_user("cataloguer", ("certified", "western", 3), library=lib), lib


def test_anonymous_is_sent_to_sign_in(client):
    resp = client.get("/catalog/external/")
    assert resp.status_code == 302 and "/account/login" in resp.headers["Location"]
    assert client.post("/catalog/external/copy", data={}).status_code == 302


def test_the_empty_page_lists_the_targets_and_asks_nothing(client, zt_targets):
    user, _ = _cataloguer()
    login(client, user)
    resp = client.get("/catalog/external/")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'value="zt-sru"' in html and 'value="zt-z3950"' in html and 'value="off"' not in html
    assert "<table" not in html  # nothing was searched


def test_search_shows_brief_marc_and_copy_buttons(client, zt_targets):
    user, _ = _cataloguer()
    login(client, user)
    resp = client.get("/catalog/external/", query_string={"target": "zt-z3950", "kind": "title", "text": "3",
                                                          "max": "10"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.count("How to program a computer / Jack Collins") == 2
    assert "=LDR" not in html and "245 10 $aHow to program a computer" in html  # the MARC view
    assert html.count('action="/catalog/external/copy"') == 3
    assert "@attr 1=4" in html


def test_copy_makes_a_draft_and_goes_on(client, zt_targets):
    user, lib = _cataloguer()
    login(client, user)
    record = marc21_book("A book from elsewhere", isbn="0-8389-1234-6")
    resp = client.post("/catalog/external/copy", data={"target": "zt-sru",
                                                       "record": to_bytes(record, "json").decode()})
    assert resp.status_code == 302
    draft = db.session.scalar(select(Draft))
    assert draft.user_id == user.id and draft.library_id == lib.id and "A book from elsewhere" in draft.text
    assert draft.title.startswith("A book from elsewhere")


def test_copy_refuses_garbage_and_the_centre_administrator(client, zt_targets):
    user, _ = _cataloguer()
    login(client, user)
    for data in ({}, {"record": "{not json"}, {"record": json.dumps({"leader": "x"})}):
        resp = client.post("/catalog/external/copy", data=data)
        assert resp.status_code == 400, data
        assert 'role="alert"' in resp.get_data(as_text=True)
    assert db.session.scalar(select(Draft)) is None
    client.post("/account/logout")
    login(client, gen_user("centre_admin"))
    record = to_bytes(marc21_book("x"), "json").decode()
    assert client.post("/catalog/external/copy", data={"record": record}).status_code == 403
    page = client.get("/catalog/external/", query_string={"target": "zt-z3950", "kind": "title", "text": "2"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "How to program a computer" in html
    assert 'action="/catalog/external/copy"' not in html  # searching, yes; copying, no
    assert db.session.scalar(select(Draft)) is None


def test_failures_are_messages_on_the_page(client, zt_targets):
    user, _ = _cataloguer()
    login(client, user)
    _english(client)
    for target, says in (("refused-sru", "Could not connect"), ("silent-sru", "did not answer within 0.3 seconds"),
                         ("zt-missing-db", "Bib-1 diagnostic 109")):
        resp = client.get("/catalog/external/", query_string={"target": target, "kind": "title", "text": "x"})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200, target
        assert says in html, target
    bad = client.get("/catalog/external/", query_string={"target": "zt-sru", "kind": "isbn", "text": "nonsense"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)


def test_a_broken_targets_file_is_a_message(client, app, tmp_path, monkeypatch):
    broken = tmp_path / "broken.yaml"
    broken.write_text("targets: [\n", encoding="utf-8")
    monkeypatch.setitem(app.config, "EXTERNAL_TARGETS_FILE", str(broken))
    user, _ = _cataloguer()
    login(client, user)
    resp = client.get("/catalog/external/", query_string={"text": "x"})
    assert resp.status_code == 200 and "broken.yaml" in resp.get_data(as_text=True)
