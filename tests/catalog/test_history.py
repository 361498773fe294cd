"""A record's history page: every version with its author, time and field-level changes, for members only."""
import html
import re

import pytest
import sqlalchemy as sa

from app.catalog import services
from app.catalog.importing import Importer
from app.accounts.models import User
from app.catalog.models import Record
from app.core.errors import NotFound, PermissionDenied
from app.extensions import db
from tests.catalog.records import cnmarc_book, marc21_book
from tests.factories import gen_library, gen_user, login


@pytest.fixture
def edited(ctx):
    lib = gen_library(code="WHU", name_zh="武汉大学图书馆", name_en="Wuhan University Library")
    people = {
        "member": gen_user("cataloguer", library=lib, name="王编目"),
        "expert": gen_user(("expert", "quality")),
        "outsider": gen_user(),  # signed in, no member library
        "not_active": gen_user("cataloguer", library=gen_library(code="NEW", status="submitted")),
    }
    row = services.create(people["member"], cnmarc_book("编目规则", year=2005, publisher="北京图书馆出版社"))
    db.session.commit()
    marc = services.marc_of(row)
    marc["200"]["a"] = "中文文献编目规则"
    services.replace(people["member"], row, marc, note="题名据题名页改正")
    db.session.commit()
    return row, people


def english(client):
    client.post("/lang", data={"lang": "en"})


def _text(resp) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))


def test_the_history_lists_every_version_with_author_time_and_changes(client, edited):
    row, p = edited
    login(client, p["member"])
    english(client)
    resp = client.get(f"/catalog/record/{row.id}/history")
    assert resp.status_code == 200
    text = _text(resp)
    assert text.index("Version 2") < text.index("Version 1")  # newest first
    assert "题名据题名页改正" in text and "王编目" in text and "Wuhan University Library" in text
    page = resp.get_data(as_text=True)
    # the one field that changed, before and after, and nothing else
    assert re.findall(r'<tr class="change-(\w+)"><td><code>(\d+)</code>', page) == [("changed", "200")]
    assert "$a编目规则" in html.unescape(page) and "$a中文文献编目规则" in html.unescape(page)
    # the record page links to it for members
    assert f'href="/catalog/record/{row.id}/history"' in client.get(f"/catalog/record/{row.id}").get_data(as_text=True)


def test_an_earlier_version_shows_its_marc_and_what_changed_since(client, edited):
    row, p = edited
    login(client, p["expert"])
    english(client)
    first = _text(client.get(f"/catalog/record/{row.id}/history/1"))
    assert "$a编目规则" in first and "Changed since this version" in first and "$a中文文献编目规则" in first
    current = _text(client.get(f"/catalog/record/{row.id}/history/2"))
    assert "the current version" in current and "Changed since this version" not in current
    assert client.get(f"/catalog/record/{row.id}/history/3").status_code == 404


@pytest.mark.parametrize("who", ["outsider", "not_active"])
def test_the_history_is_for_members_only(client, edited, who):
    row, p = edited
    assert client.get(f"/catalog/record/{row.id}/history").status_code == 302  # to the sign-in page
    login(client, p[who])
    for url in (f"/catalog/record/{row.id}/history", f"/catalog/record/{row.id}/history/1"):
        resp = client.get(url)
        assert resp.status_code == 403 and "$a编目规则" not in resp.get_data(as_text=True)
    assert "/history" not in client.get(f"/catalog/record/{row.id}").get_data(as_text=True)
    with pytest.raises(PermissionDenied):
        services.history(p[who], row)
    with pytest.raises(PermissionDenied):
        services.version_of(p[who], row, 1)


def test_records_the_public_cannot_see_have_no_history_page(client, edited):
    _, p = edited
    hidden = services.create(None, cnmarc_book("待审的记录"), status="review")
    db.session.commit()
    login(client, p["member"])
    assert client.get(f"/catalog/record/{hidden.id}/history").status_code == 404
    with pytest.raises(NotFound):
        services.version_of(p["member"], hidden, 9)


# --- loaded records: one copy of the MARC until they change ---------------------------------------
def _load(path, books):
    path.write_bytes(b"".join(b.as_marc() for b in books))
    return Importer(workers=1).run(path)


def _versions(row):
    return {v.version: v.marc for v in services.versions(row)}


def test_a_loaded_record_keeps_one_copy_of_its_marc_until_it_changes(client, ctx, tmp_path):
    member_id = gen_user("cataloguer", library=gen_library(code="WHU")).id
    books = [marc21_book(f"Loaded book {n}", control=f"L{n}") for n in range(3)]
    assert _load(tmp_path / "a.mrc", books).added == 3  # the load leaves the session empty

    def rows():
        return db.session.scalars(sa.select(Record).order_by(Record.control_number)).all()

    first = rows()
    assert [_versions(r) for r in first] == [{1: None}] * 3  # the record's MARC is version 1's
    first_marc = [r.marc for r in first]
    v, marc, since = services.version_of(db.session.get(User, member_id), first[0], 1)
    assert marc["245"]["a"] == "Loaded book 0 /" and since == []

    # loaded again with a new title: version 1 keeps the MARC it stood for
    books[0]["245"]["a"] = "Loaded book 0, revised /"
    stats = _load(tmp_path / "b.mrc", books)
    assert (stats.updated, stats.unchanged) == (1, 2)
    now = rows()
    assert now[0].version == 2 and _versions(now[0]) == {2: now[0].marc, 1: first_marc[0]}
    assert [_versions(r) for r in now[1:]] == [{1: None}] * 2
    # an edit in the catalogue does the same
    edited = services.marc_of(now[1])
    edited["245"]["a"] = "Edited title"
    assert services.replace(db.session.get(User, member_id), now[1], edited)
    db.session.commit()
    assert _versions(now[1]) == {2: now[1].marc, 1: first_marc[1]}

    login(client, db.session.get(User, member_id))
    page = html.unescape(client.get(f"/catalog/record/{now[0].id}/history/1").get_data(as_text=True))
    assert "$aLoaded book 0" in page and "$aLoaded book 0, revised" in page  # the MARC, then what changed
