"""search_external / import_external: query mapping, both protocols, drafts, permissions."""
import pytest
from sqlalchemy import select

from app.catalog import services as catalog
from app.catalog.external import service
from app.catalog.external.errors import ExternalError
from app.catalog.external.targets import parse_targets
from app.catalog.workflow_models import Draft
from app.core.errors import DomainError, PermissionDenied
from app.extensions import db
from app.marc.display import marc_view
from app.marc.io import read
from tests.catalog.records import marc21_book

SRU, Z = parse_targets({"targets": [
    {"name": "s", "protocol": "sru", "url": "http://a/"},
    {"name": "z", "protocol": "z3950", "address": "z/DB"},
]})


@pytest.mark.parametrize("kind, text, cql, pqf", [
    ("isbn", "978-7-5013-4441-3", "bath.isbn=9787501344413", '@attr 1=7 "9787501344413"'),
    ("isbn", "7 5013 1744 x", "bath.isbn=750131744X", '@attr 1=7 "750131744X"'),
    ("title", "  How  to program ", 'dc.title="How to program"', '@attr 1=4 "How to program"'),
    ("author", 'O"Brien', 'dc.creator="O\\"Brien"', '@attr 1=1003 "O\\"Brien"'),
    ("keyword", "comput*", "comput*", '@attr 1=1016 "comput*"'),
    ("keyword", "and", '"and"', '@attr 1=1016 "and"'),
    ("title", "中文 编目", 'dc.title="中文 编目"', '@attr 1=4 "中文 编目"'),
])
def test_query_kinds_map_to_cql_and_bib1(kind, text, cql, pqf):
    k, term = service.check_query(kind, text)
    assert service.cql_query(SRU, k, term) == cql
    assert service.pqf_query(Z, k, term) == pqf


@pytest.mark.parametrize("kind, text, field", [
    ("isbn", "not an isbn", "text"), ("isbn", "12345", "text"), ("title", "   ", "text"),
    ("title", "x" * 201, "text"), ("subject", "x", "kind"),
])
def test_bad_questions_name_their_field(ctx, kind, text, field):
    with pytest.raises(DomainError) as err:
        service.check_query(kind, text)
    assert err.value.field == field


@pytest.mark.parametrize("name", ["zt-sru", "zt-sru2", "zt-z3950"])
def test_search_external_over_each_protocol(ctx, zt_targets, name):
    hits = service.search_external(name, "keyword", "3", max_records=2)
    assert 1 <= len(hits) <= 2
    assert hits[0].target.name == name and hits[0].position == 1
    assert hits[0].brief.startswith("How to program a computer / Jack Collins")
    assert hits[0].record["245"]["a"] == "How to program a computer"


def test_run_search_reports_the_count_and_the_query(ctx, zt_targets):
    result = service.run_search("zt-z3950", "title", "12 angry men", max_records=5)
    assert result.total == 12 and len(result.hits) == 5 and result.query == '@attr 1=4 "12 angry men"'


def test_hits_already_in_the_union_catalogue_are_marked(ctx, zt_targets, monkeypatch):
    from app.catalog.external import zoom
    from app.catalog.external.sru import Fetched

    ours = catalog.create(None, marc21_book("Held already", isbn="0-8389-1234-6"))
    db.session.commit()
    fetched = Fetched(total=2, records=[marc21_book("Held already", isbn="978-0-8389-1234-8"),
                                        marc21_book("Not held", isbn="7-04-012345-2")])
    monkeypatch.setattr(zoom, "search", lambda *a, **k: fetched)
    hits = service.search_external("zt-z3950", "title", "x")
    assert [h.in_catalogue for h in hits] == [[ours.id], []]


def test_failures_are_external_errors(ctx, zt_targets):
    for name, kind in (("refused-sru", "connect"), ("silent-sru", "timeout"), ("zt-missing-db", "diagnostic")):
        with pytest.raises(ExternalError) as err:
            service.search_external(name, "title", "x")
        assert err.value.kind == kind, name
    with pytest.raises(ExternalError) as err:
        service.search_external("off", "title", "x")  # disabled targets cannot be asked
    assert err.value.kind == "config" and err.value.field == "target"
    with pytest.raises(DomainError) as err:
        service.search_external("zt-sru", "title", "x", max_records=500)
    assert err.value.field == "max_records"


def test_searching_is_for_members_and_the_centre(ctx, gen, zt_targets):
    lib = gen.gen_library()
    assert service.search_external("zt-z3950", "title", "1", actor=gen.gen_user("cataloguer", library=lib))
    assert service.search_external("zt-z3950", "title", "1", actor=gen.gen_user("centre_admin"))
    with pytest.raises(PermissionDenied):
        service.search_external("zt-z3950", "title", "1", actor=gen.gen_user())  # no role, no library


def test_import_creates_a_draft_of_marcmaker_text(ctx, gen, zt_targets):
    lib = gen.gen_library()
    user = gen.gen_user("cataloguer", ("certified", "western", 3), library=lib)
    hit = service.search_external("zt-z3950", "title", "1")[0]
    draft = service.import_external(user, hit.record, lib)
    stored = db.session.get(Draft, draft.id)
    assert (stored.user_id, stored.library_id, stored.record_id, stored.submitted_at) == (user.id, lib.id, None, None)
    assert stored.title.startswith("How to program a computer")
    assert stored.text.startswith("=LDR  ") and "=245  10$aHow to program a computer" in stored.text
    back = next(read(stored.text.encode("utf-8"), format="mrk")).record
    assert marc_view(back).split("\n")[1:] == marc_view(hit.record).split("\n")[1:]
    # It is a draft, not a catalogue record.
    from app.catalog.models import Record

    assert db.session.scalar(select(Record)) is None


def test_only_a_cataloguer_copies_and_only_for_their_own_library(ctx, gen):
    own, other = gen.gen_library(), gen.gen_library()
    record = marc21_book("Copied", isbn="0-8389-1234-6")
    for user, library in ((gen.gen_user("centre_admin"), own),
                          (gen.gen_user("cataloguer", library=own), other),
                          (gen.gen_user("trainer", library=own), own)):
        with pytest.raises(PermissionDenied):
            service.import_external(user, record, library)
    not_yet_member = gen.gen_library(status="submitted")
    with pytest.raises(PermissionDenied):
        service.import_external(gen.gen_user("cataloguer", library=not_yet_member), record)
    assert db.session.scalar(select(Draft)) is None
    with pytest.raises(DomainError):
        service.import_external(gen.gen_user("cataloguer", library=own), None)
    assert service.import_external(gen.gen_user("cataloguer", library=own), record).library_id == own.id


def test_what_the_shipped_library_of_congress_targets_are_sent(ctx, monkeypatch):
    from urllib.parse import parse_qs, urlsplit

    from app.catalog.external import sru, zoom
    from app.catalog.external.targets import DEFAULT_FILE

    monkeypatch.setitem(ctx.config, "EXTERNAL_TARGETS_FILE", str(DEFAULT_FILE))
    urls, calls = [], []
    empty = (b'<searchRetrieveResponse xmlns="http://www.loc.gov/zing/srw/"><version>1.1</version>'
             b'<numberOfRecords>0</numberOfRecords></searchRetrieveResponse>')
    monkeypatch.setattr(sru, "fetch", lambda url, **kw: urls.append((url, kw)) or empty)
    monkeypatch.setattr(zoom, "search", lambda *a, **kw: calls.append((a, kw)) or sru.Fetched(total=0))
    assert service.search_external("loc-sru", "isbn", "978-0-306-40615-7", max_records=5) == []
    url, kw = urls[0]
    parts = urlsplit(url)
    assert (parts.netloc, parts.path, kw["timeout"]) == ("lx2.loc.gov:210", "/LCDB", 20.0)
    assert parse_qs(parts.query) == {"operation": ["searchRetrieve"], "version": ["1.1"],
                                     "query": ["bath.isbn=9780306406157"], "startRecord": ["1"],
                                     "maximumRecords": ["5"], "recordSchema": ["marcxml"], "recordPacking": ["xml"]}
    service.search_external("loc-z3950-marc8", "author", "Gorman, Michael")
    args, kw = calls[0]
    assert args == ("lx2.loc.gov", 210, "LCDB_MARC8", '@attr 1=1003 "Gorman, Michael"')
    assert (kw["syntax"], kw["encoding"], kw["max_records"]) == ("usmarc", "marc8", 10)
    with pytest.raises(ExternalError):
        service.search_external("nii-sru", "title", "x")  # shipped disabled: no address until registration
