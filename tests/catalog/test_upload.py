"""Who may upload, what happens on submission, probation, duplicates and the review decisions."""
import pytest
from pymarc import Field, Subfield
from sqlalchemy import func, select

from app.catalog import review, services, upload
from app.catalog.editor import text_of
from app.catalog.models import Holding, Record
from app.catalog.search import backend
from app.catalog.search.query import And, Term
from app.catalog.workflow_models import ProbationRule, ReviewItem
from app.core.errors import DomainError, PermissionDenied
from app.extensions import db
from tests.catalog.records import cnmarc_book, marc21_book
from tests.factories import gen_library, gen_user, outbox


@pytest.fixture
def world(ctx):
    lib = gen_library(code="WHU", upload_right=True)
    no_right = gen_library(code="NORIGHT", upload_right=False)
    people = {
        "certified": gen_user("cataloguer", ("certified", "chinese", 3), library=lib),
        "western": gen_user("cataloguer", ("certified", "western", 3), library=lib),
        "plain": gen_user("cataloguer", library=lib),
        "no_right": gen_user("cataloguer", ("certified", "chinese", 3), library=no_right),
        "qc": gen_user("cataloguer", ("expert", "quality"), library=lib),
        "admin": gen_user("centre_admin"),
    }
    for scope in ("chinese", "western"):
        db.session.add(ProbationRule(scope=scope, records_required=0))
    db.session.commit()
    return lib, people


def _draft(user, marc):
    return upload.new_draft(user, text=text_of(marc))


def test_certified_cataloguer_uploads_and_gets_a_control_number(world):
    lib, p = world
    row, item = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("编目实践", isbn="9787501344413")))
    assert item is None and row.status == "active" and row.library_id == lib.id
    assert services.marc_of(row)["001"].data == f"BM{row.id:09d}"
    assert [v.version for v in services.versions(row)] == [1]
    marc = cnmarc_book("空控制号的书", isbn="9787020002207")
    marc.add_ordered_field(Field(tag="001", data=" "))
    row, _ = upload.submit(p["certified"], _draft(p["certified"], marc))
    assert services.marc_of(row)["001"].data == f"BM{row.id:09d}" == row.control_number


def test_a_new_record_comes_with_the_submitting_librarys_holding(world):
    lib, p = world
    user = p["certified"]
    row, _ = upload.submit(user, _draft(user, cnmarc_book("馆藏随上传")), call_number=" G254.3/12 ")
    assert [(h.library_id, h.call_number, h.copies) for h in row.holdings] == [(lib.id, "G254.3/12", 1)]
    found = backend().search(And((Term("library", lib.code), Term("title", "馆藏随上传"))), per_page=5)
    assert found.ids == [row.id]  # the holding is in the search index at once
    # An edit adds none; a call number too long is refused next to its field and nothing is written.
    edit = upload.edit_record(user, row)
    upload.save_draft(user, edit, edit.text.replace("馆藏随上传", "馆藏随上传（修订）"))
    upload.submit(user, edit, call_number="X")
    assert row.version == 2
    assert len(row.holdings) == 1
    draft = _draft(user, cnmarc_book("太长的索书号"))
    with pytest.raises(DomainError) as err:
        upload.submit(user, draft, call_number="G" * 101)
    assert err.value.field == "call_number"
    assert db.session.scalar(select(func.count()).select_from(Record)) == 1


def _full(marc):
    marc.add_ordered_field(Field(tag="040", indicators=[" ", " "],
                                 subfields=[Subfield("a", "DLC"), Subfield("b", "eng"), Subfield("c", "DLC")]))
    return marc


def test_a_number_the_record_brings_is_kept_in_035(world, app):
    _, p = world
    copied = _full(marc21_book("Copied from elsewhere", control="12345678"))
    copied.add_ordered_field(Field(tag="003", data="DLC"))
    row, _ = upload.submit(p["western"], _draft(p["western"], copied))
    marc = services.marc_of(row)
    assert marc["001"].data == f"BM{row.id:09d}" and marc.get("003") is None
    assert [f.get_subfields("a") for f in marc.get_fields("035")] == [["(DLC)12345678"]]
    app.config["CATALOGUE_ORG_CODE"] = "CN-BIANMU"
    row, _ = upload.submit(p["western"], _draft(p["western"], _full(marc21_book("Another", control="99"))))
    marc = services.marc_of(row)
    assert marc["003"].data == "CN-BIANMU" and [f["a"] for f in marc.get_fields("035")] == ["99"]
    # UNIMARC: 003 is a URI, not an agency; the centre's code is not written there. A record already
    # bearing one of the catalogue's own numbers keeps nothing of it.
    cn = cnmarc_book("从国图复制", control="012345678")
    cn.add_ordered_field(Field(tag="003", data="http://catalog.example.org/bib/012345678"))
    row, _ = upload.submit(p["certified"], _draft(p["certified"], cn))
    marc = services.marc_of(row)
    assert marc.get("003") is None and [f["a"] for f in marc.get_fields("035")] == ["012345678"]
    again, _ = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("本馆号", control="BM000000001")))
    assert services.marc_of(again).get_fields("035") == []


@pytest.mark.parametrize("who,scope_record", [("plain", "cn"), ("no_right", "cn"), ("certified", "en"), ("qc", "cn")])
def test_upload_is_refused_without_the_right_certification_or_library_right(world, who, scope_record):
    _, p = world
    marc = cnmarc_book("某书") if scope_record == "cn" else marc21_book("Some book")
    draft = _draft(p[who], marc)
    with pytest.raises(PermissionDenied):
        upload.submit(p[who], draft)
    assert db.session.scalar(select(Record)) is None


def test_validation_errors_block_and_are_listed_by_line(world):
    _, p = world
    marc = cnmarc_book("有错的书")
    text = text_of(marc).replace("=200  1\\$a有错的书", "=200  1\\$a")
    draft = _draft(p["certified"], None or cnmarc_book("x"))
    upload.save_draft(p["certified"], draft, text)
    with pytest.raises(upload.Rejected) as err:
        upload.submit(p["certified"], draft)
    assert any(m.tag == "200" and m.line for m in err.value.messages)
    assert db.session.scalar(select(Record)) is None


def test_suspected_duplicate_goes_to_review_and_can_be_merged(world):
    lib, p = world
    first, _ = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("中文编目规则", isbn="9787501344413")))
    second, item = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("中文编目规则", isbn="978-7-5013-4441-3")))
    assert second.status == "review" and item.kind == "duplicate" and item.candidates[0]["id"] == first.id
    db.session.add(Holding(record_id=second.id, library_id=lib.id, call_number="G254/2"))
    db.session.commit()
    with pytest.raises(PermissionDenied):
        review.merge(p["certified"], item, first.id)
    review.merge(p["qc"], item, first.id, reason="same edition")
    assert second.status == "merged" and second.merged_into_id == first.id
    # Each upload brought the library's holding; the one without a call number was on both records and
    # is kept once, the one with another call number moved.
    assert sorted((h.record_id, h.call_number or "") for h in db.session.scalars(select(Holding))) == [
        (first.id, ""), (first.id, "G254/2")]
    assert "重复" in outbox(p["certified"].email)[-1].body or "duplicates" in outbox(p["certified"].email)[-1].body


def test_similar_title_author_publisher_year_is_a_suspected_duplicate(world):
    _, p = world
    upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("数据库系统概论", author="王珊著", year=2014)))
    _, item = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("数据库系统概论", author="王珊 著", year=2014)))
    assert item is not None and item.kind == "duplicate"
    _, other = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("操作系统原理", author="李明著", year=2014)))
    assert other is None


def test_probation_holds_the_first_n_records_then_releases(world):
    _, p = world
    db.session.get(ProbationRule, "chinese").records_required = 2
    db.session.commit()
    user = p["certified"]
    items = []
    for title in ("第一本书", "第二本书"):
        row, item = upload.submit(user, _draft(user, cnmarc_book(title, author=title + "作者")))
        assert row.status == "review" and item.kind == "probation"
        items.append(item)
    assert upload.on_probation(user, "chinese")
    review.accept(p["qc"], items[0])
    with pytest.raises(DomainError):
        review.reject(p["qc"], items[1], reason=" ")
    review.accept(p["qc"], items[1], note="good work")
    assert not upload.on_probation(user, "chinese")
    row, item = upload.submit(user, _draft(user, cnmarc_book("第三本书", author="丙")))
    assert item is None and row.status == "active"
    with pytest.raises(DomainError):
        review.accept(p["qc"], items[0])  # already decided


def test_rejection_needs_a_reason_and_the_record_never_appears(world):
    _, p = world
    db.session.get(ProbationRule, "chinese").records_required = 5
    db.session.commit()
    row, item = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("草稿书")), call_number="I247/1")
    assert len(row.holdings) == 1
    review.reject(p["qc"], item, "200 $f 责任说明不全")
    assert row.status == "rejected"
    assert db.session.scalar(select(func.count()).select_from(Holding)) == 0  # its holding went with it
    with pytest.raises(Exception):
        services.get_record(row.id)


def test_editing_a_record_makes_a_version_and_detects_lost_updates(world):
    _, p = world
    row, _ = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("原书名")))
    a = upload.edit_record(p["certified"], row)
    b = upload.edit_record(p["western"], row)
    upload.save_draft(p["certified"], a, a.text.replace("原书名", "新书名"))
    upload.submit(p["certified"], a)
    assert row.version == 2 and row.title == "新书名"
    upload.save_draft(p["western"], b, b.text.replace("原书名", "另一个书名"))
    with pytest.raises(PermissionDenied):
        upload.submit(p["western"], b)  # western scope cannot upload a Chinese record anyway
    c = upload.edit_record(p["certified"], row)
    upload.save_draft(p["certified"], c, c.text)
    with pytest.raises(DomainError):
        upload.submit(p["certified"], c)  # nothing changed


def test_an_edit_on_probation_waits_for_review(world):
    _, p = world
    row, _ = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("审核中的修改")))
    db.session.get(ProbationRule, "chinese").records_required = 3
    db.session.commit()
    draft = upload.edit_record(p["certified"], row)
    upload.save_draft(p["certified"], draft, draft.text.replace("审核中的修改", "改后的题名"))
    _, item = upload.submit(p["certified"], draft)
    assert item is not None and row.title == "审核中的修改"
    review.accept(p["qc"], item)
    assert row.title == "改后的题名" and row.version == 2


def test_drafts_are_private(world):
    _, p = world
    draft = upload.new_draft(p["certified"], template="cnmarc_book")
    with pytest.raises(Exception):
        upload.get_draft(p["western"], draft.id)
    assert upload.get_draft(p["certified"], draft.id).id == draft.id
    assert db.session.scalar(select(ReviewItem)) is None


def _edition(marc, text):
    marc.add_ordered_field(Field(tag="205", indicators=[" ", " "], subfields=[Subfield("a", text)]))
    return marc


def test_another_edition_is_not_a_suspected_duplicate(world):
    # The edition was never passed to the score, so a new edition of a book was held as a duplicate.
    _, p = world
    user = p["certified"]
    upload.submit(user, _draft(user, _edition(cnmarc_book("数据结构", author="严蔚敏著", year=2011), "第1版")))
    _, item = upload.submit(user, _draft(user, _edition(cnmarc_book("数据结构", author="严蔚敏著", year=2021), "第2版")))
    assert item is None
    _, same = upload.submit(user, _draft(user, _edition(cnmarc_book("数据结构", author="严蔚敏 著", year=2022), "第2版")))
    assert same is not None and same.kind == "duplicate"


def test_editing_needs_the_certification_for_the_record_as_it_is(world):
    # The scope was taken from the edited text alone: a Western-certified cataloguer could take over a
    # Chinese record by rewriting it as a Western one.
    _, p = world
    row, _ = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("中文原书")))
    draft = upload.edit_record(p["western"], row)
    upload.save_draft(p["western"], draft, text_of(marc21_book("Taken over")))
    with pytest.raises(PermissionDenied):
        upload.submit(p["western"], draft)
    assert row.version == 1 and row.title == "中文原书"


def test_accepting_an_edit_the_record_has_moved_past_is_refused(world):
    _, p = world
    user = p["certified"]
    row, _ = upload.submit(user, _draft(user, cnmarc_book("原题名")))
    db.session.get(ProbationRule, "chinese").records_required = 3
    db.session.commit()
    items = []
    for title in ("甲的修改", "乙的修改"):  # two proposals, both from version 1
        draft = upload.edit_record(user, row)
        upload.save_draft(user, draft, draft.text.replace("原题名", title))
        items.append(upload.submit(user, draft)[1])
    assert [i.base_version for i in items] == [1, 1]
    review.accept(p["qc"], items[0])
    assert row.title == "甲的修改" and row.version == 2
    with pytest.raises(DomainError):  # it would undo the first
        review.accept(p["qc"], items[1])
    assert row.title == "甲的修改" and row.version == 2 and items[1].status == "open"
    review.reject(p["qc"], items[1], "记录已被修改，请在新版本上重做")
    assert items[1].status == "rejected" and row.status == "active"


def test_merging_keeps_a_holding_of_another_call_number_and_drops_only_the_same_one(world):
    lib, p = world
    first, _ = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("合并的书", isbn="9787501344413")),
                             call_number="G254/1")
    second, item = upload.submit(p["certified"], _draft(p["certified"], cnmarc_book("合并的书", isbn="9787501344413")),
                                 call_number="G254/1")
    db.session.add(Holding(record_id=second.id, library_id=lib.id, call_number="G254/1a", copies=2))
    db.session.commit()
    review.merge(p["qc"], item, first.id, reason="同一版本")
    held = sorted((h.record_id, h.call_number, h.copies) for h in db.session.scalars(select(Holding)))
    assert held == [(first.id, "G254/1", 1), (first.id, "G254/1a", 2)]  # the second call number was dropped
