"""Copy cataloguing: downloads in every format and character set, logged per library, user, record, year."""
import os
import shutil
import subprocess
import unicodedata
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.catalog import downloads, services
from app.catalog.workflow_models import Download
from app.core.errors import DomainError, PermissionDenied
from app.extensions import db
from app.marc.io import read_records
from app.members.models import STATUS_SUBMITTED
from tests.catalog.records import cnmarc_book, marc21_book
from tests.factories import gen_library, gen_user, login

IN_CI = os.environ.get("CI", "").lower() == "true"
# (format, character set, which records it is offered for)
COMBINATIONS = [
    ("iso2709", "utf-8", "both"), ("iso2709", "gb18030", "cnmarc"), ("iso2709", "marc8", "marc21"),
    ("marcxml", "utf-8", "both"), ("json", "utf-8", "both"), ("mrk", "utf-8", "both"), ("mrk", "gb18030", "cnmarc"),
]
READ_ENCODING = {"utf-8": None, "gb18030": "gb18030", "marc8": None}


@pytest.fixture
def world(ctx):
    lib = gen_library(code="WHU")
    other = gen_library(code="PKU")
    cataloguer = gen_user("cataloguer", library=lib)
    chinese = services.create(None, cnmarc_book("中文文献编目规则", isbn="978-7-5013-4441-3", year=2005))
    western = services.create(None, marc21_book("L'économie du Monde", author="Dupont, Jean,", year=2001))
    pending = services.create(None, cnmarc_book("待审记录"), status="review")
    db.session.commit()
    return {"lib": lib, "other": other, "user": cataloguer, "chinese": chinese, "western": western,
            "pending": pending}


def _logged(**where):
    q = sa.select(Download)
    for k, v in where.items():
        q = q.where(getattr(Download, k) == v)
    return db.session.scalars(q.order_by(Download.id)).all()


def _title(record):
    return (record.get("245") or record.get("200"))["a"]


@pytest.mark.parametrize("fmt,encoding,offered", COMBINATIONS)
def test_every_format_and_character_set_reads_back(world, fmt, encoding, offered):
    if encoding == "marc8" and shutil.which("yaz-marcdump") is None:
        if IN_CI:
            pytest.fail("yaz-marcdump is required under CI=true (make install installs YAZ)")
        pytest.skip("MARC-8 is written by yaz-marcdump, which is not installed")
    for key in ("chinese", "western"):
        row = world[key]
        fits = offered == "both" or (offered == "cnmarc") == (row.format != "marc21")
        if not fits:
            with pytest.raises(DomainError) as err:
                downloads.download(world["user"], [row.id], fmt, encoding)
            assert err.value.field == "encoding" and str(row.id) in err.value.message
            continue
        data, name = downloads.download(world["user"], [row.id], fmt, encoding)
        assert name.startswith(f"bianmu-{row.id}") and name.endswith("." + downloads.EXTENSIONS[fmt])
        records, errors = read_records(data, fmt, READ_ENCODING[encoding])
        assert errors == [] and len(records) == 1
        assert _title(records[0]).startswith(("中文文献编目规则", "L'économie du Monde"))
        if encoding == "gb18030":
            assert "中文文献编目规则".encode("gb18030") in data
        if encoding == "marc8":
            assert data[9:10] == b" " and "é".encode() not in data  # MARC-8: leader/09 blank, no UTF-8
    logged = _logged(user_id=world["user"].id)
    assert {(d.format, d.encoding) for d in logged} == {(fmt, encoding)}
    assert all(d.library_id == world["lib"].id for d in logged)


def test_a_basket_of_both_formats_in_one_file(world):
    ids = [world["chinese"].id, world["western"].id]
    for fmt in ("iso2709", "marcxml", "json", "mrk"):
        data, name = downloads.download(world["user"], ids, fmt, "utf-8")
        records, errors = read_records(data, fmt)
        assert errors == [] and [_title(r) for r in records][0] == "中文文献编目规则"
        assert len(records) == 2 and name.startswith("bianmu-2-records-")
    assert len(_logged(library_id=world["lib"].id)) == 8


def test_wrong_character_sets_are_refused_with_a_clear_message(world):
    with force_locale("en"):
        _refusals(world)
    assert _logged() == []  # nothing refused is logged


def _refusals(world):
    user = world["user"]
    with pytest.raises(DomainError, match="GB18030 is offered for CNMARC records only"):
        downloads.download(user, [world["chinese"].id, world["western"].id], "iso2709", "gb18030")
    with pytest.raises(DomainError, match="MARC-8 is offered for MARC 21 records only"):
        downloads.download(user, [world["chinese"].id], "iso2709", "marc8")
    with pytest.raises(DomainError, match="always UTF-8"):
        downloads.download(user, [world["chinese"].id], "marcxml", "gb18030")
    with pytest.raises(DomainError, match="ISO 2709 files only"):
        downloads.download(user, [world["western"].id], "mrk", "marc8")
    with pytest.raises(DomainError):
        downloads.download(user, [world["chinese"].id], "pdf", "utf-8")
    with pytest.raises(DomainError):
        downloads.download(user, [world["pending"].id], "iso2709", "utf-8")  # not released


def test_each_download_is_logged_with_library_user_record_and_beijing_year(world, monkeypatch):
    # 16:30 UTC on New Year's Eve is already 00:30 on 1 January in Beijing
    monkeypatch.setattr(downloads, "utcnow", lambda: datetime(2025, 12, 31, 16, 30, tzinfo=timezone.utc))
    downloads.download(world["user"], [world["chinese"].id, world["chinese"].id, world["western"].id], "json")
    logged = _logged()
    assert [(d.library_id, d.user_id, d.record_id, d.year, d.format, d.encoding) for d in logged] == [
        (world["lib"].id, world["user"].id, world["chinese"].id, 2026, "json", "utf-8"),
        (world["lib"].id, world["user"].id, world["western"].id, 2026, "json", "utf-8"),
    ]
    assert downloads.yearly_count(world["lib"], 2026) == 2
    assert downloads.yearly_count(world["lib"], 2025) == 0
    assert downloads.beijing_year(datetime(2025, 12, 31, 15, 59, tzinfo=timezone.utc)) == 2025


def test_the_yearly_count_is_per_library(world):
    colleague = gen_user("cataloguer", library=world["lib"])
    outsider = gen_user("cataloguer", library=world["other"])
    downloads.download(world["user"], [world["chinese"].id], "iso2709")
    downloads.download(colleague, [world["chinese"].id, world["western"].id], "iso2709")
    downloads.download(outsider, [world["western"].id], "iso2709")
    year = downloads.beijing_year()
    assert downloads.yearly_count(world["lib"], year) == 3  # every download counts, the same record again too
    assert downloads.yearly_count(world["other"]) == 1
    assert downloads.yearly_count(None) == 0


def test_only_cataloguers_of_member_libraries_download(world):
    rid = [world["chinese"].id]
    lapsed = gen_library()
    lapsed_user = gen_user("cataloguer", library=lapsed)
    lapsed.status = STATUS_SUBMITTED  # no longer an active member
    db.session.commit()
    for user in (None, gen_user("centre_admin"), gen_user(library=world["lib"]), lapsed_user):
        with pytest.raises(PermissionDenied):
            downloads.download(user, rid, "iso2709")
    assert _logged() == []


def test_download_pages_refuse_anonymous_and_non_members(client, world):
    rid = world["chinese"].id
    form = {"format": "iso2709", "encoding": "utf-8"}
    resp = client.post(f"/catalog/record/{rid}/download", data=form)
    assert resp.status_code == 302 and "/account/login" in resp.headers["Location"]
    client.post("/catalog/basket/add", data={"record_id": rid})
    assert client.post("/catalog/basket/download", data=form).status_code == 302
    login(client, gen_user("centre_admin"))
    assert client.post(f"/catalog/record/{rid}/download", data=form).status_code == 403
    assert _logged() == []


def test_download_from_the_record_page_and_the_count_shown(client, world):
    rid = world["chinese"].id
    login(client, world["user"])
    client.post("/lang", data={"lang": "en"})
    page = client.get(f"/catalog/record/{rid}").get_data(as_text=True)
    assert "Your library has downloaded 0 records in" in page
    resp = client.post(f"/catalog/record/{rid}/download", data={"format": "mrk", "encoding": "gb18030"})
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == f"attachment; filename=bianmu-{rid}-gb18030.mrk"
    assert resp.mimetype == "text/plain" and resp.headers["Content-Type"].endswith("gb18030")
    records, errors = read_records(resp.data, "mrk", "gb18030")
    assert errors == [] and records[0]["200"]["a"] == "中文文献编目规则"
    page = client.get(f"/catalog/record/{rid}").get_data(as_text=True)
    assert "Your library has downloaded 1 records in" in page
    # a refused combination: the page again, the message beside the character set
    resp = client.post(f"/catalog/record/{rid}/download", data={"format": "iso2709", "encoding": "marc8"})
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert 'id="encoding-err"' in body and "MARC-8 is offered for MARC 21 records only" in body
    assert len(_logged()) == 1
    assert client.post(f"/catalog/record/{world['pending'].id}/download",
                       data={"format": "iso2709", "encoding": "utf-8"}).status_code == 404


def test_basket_download_and_the_library_page_count(client, world):
    login(client, world["user"])
    client.post("/lang", data={"lang": "en"})
    client.post("/catalog/basket/add", data={"record_id": [world["chinese"].id, world["western"].id]})
    resp = client.post("/catalog/basket/download", data={"format": "marcxml", "encoding": "utf-8"})
    assert resp.status_code == 200 and resp.mimetype == "application/marcxml+xml"
    records, errors = read_records(resp.data, "marcxml")
    assert len(records) == 2 and errors == []
    assert {d.record_id for d in _logged()} == {world["chinese"].id, world["western"].id}
    page = client.get("/catalog/basket").get_data(as_text=True)
    assert "Your library has downloaded 2 records in" in page
    resp = client.post("/catalog/basket/download", data={"format": "iso2709", "encoding": "gb18030"})
    assert resp.status_code == 400 and "GB18030 is offered for CNMARC records only" in resp.get_data(as_text=True)
    library_page = client.get(f"/members/{world['lib'].id}").get_data(as_text=True)
    assert "Records downloaded this year" in library_page


def test_yaz_marcdump_reads_the_downloads(world):
    exe = shutil.which("yaz-marcdump")
    if exe is None:
        if IN_CI:
            pytest.fail("yaz-marcdump is required under CI=true (make install installs YAZ)")
        pytest.skip("yaz-marcdump not installed")
    cases = [([world["chinese"].id, world["western"].id], "iso2709", "utf-8", ["-f", "utf8"]),
             ([world["chinese"].id], "iso2709", "gb18030", ["-f", "gb18030", "-t", "utf8"]),
             ([world["western"].id], "iso2709", "marc8", ["-f", "marc8", "-t", "utf8"]),
             ([world["chinese"].id, world["western"].id], "marcxml", "utf-8", ["-i", "marcxml"])]
    for ids, fmt, encoding, args in cases:
        data, _ = downloads.download(world["user"], ids, fmt, encoding)
        proc = subprocess.run([exe, *args, "/dev/stdin"], input=data, capture_output=True, check=False)
        out = unicodedata.normalize("NFC", proc.stdout.decode("utf-8", "replace"))  # MARC-8 marks come decomposed
        assert proc.returncode == 0, proc.stderr
        if world["chinese"].id in ids:
            assert "中文文献编目规则" in out, (fmt, encoding, out)
        if world["western"].id in ids:
            assert "économie" in out, (fmt, encoding, out)
