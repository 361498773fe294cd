"""Posting from the catalogue's events: each accepted record earns once, refused ones never."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.billing import ledger, posting
from app.billing.models import LedgerEntry
from app.catalog import review, services
from app.core.errors import DomainError, PermissionDenied
from app.extensions import db
from tests.billing.conftest import accept, basic, book, japanese, submit, utc, western
from tests.catalog.records import cnmarc_book


def entries(source_id=None):
    q = select(LedgerEntry).order_by(LedgerEntry.id)
    if source_id is not None:
        q = q.where(LedgerEntry.source_id == source_id)
    return db.session.scalars(q).all()


def test_a_released_chinese_record_earns_four_yuan_once(world):
    row, item = submit(world.cat, book(1), at=utc(2024, 3, 1, 2))
    assert item is None
    assert posting.post_pending(date(2024, 12, 31))["uploads"] == 1
    assert posting.post_pending(date(2024, 12, 31))["uploads"] == 0  # posting twice never double-counts
    (e,) = entries(row.id)
    assert (e.rule, e.part, e.amount, e.library_id, e.on_date) == (
        "upload.chinese.full", "record", Decimal("4.00"), world.lib.id, date(2024, 3, 1))
    assert e.schedule.effective_from == date(2023, 1, 1)


def test_edits_and_versions_do_not_earn_again(world):
    row, _ = submit(world.cat, book(2), at=utc(2024, 3, 1))
    posting.post_pending(date(2024, 12, 31))
    marc = services.marc_of(row)
    marc["200"]["a"] = "改过的题名"
    services.replace(world.cat, row, marc)
    db.session.commit()
    posting.post_pending(date(2024, 12, 31))
    assert [e.amount for e in entries(row.id)] == [Decimal("4.00")]


def test_the_category_is_the_record_as_released_not_as_later_edited(world):
    row, _ = submit(world.cat, basic(book(3)), at=utc(2024, 3, 1))
    marc = services.marc_of(row)
    marc.leader = marc.leader[:17] + " " + marc.leader[18:]  # upgraded to full level before posting
    services.replace(world.cat, row, marc)
    db.session.commit()
    assert row.level == "full"
    posting.post_pending(date(2024, 12, 31))
    (e,) = entries(row.id)
    assert (e.rule, e.amount) == ("upload.chinese.basic", Decimal("0.00"))


def test_the_japanese_split_half_to_the_library_half_to_the_sub_project(world):
    row, _ = submit(world.cat, japanese("日本の図書館"), at=utc(2024, 5, 5))
    posting.post_pending(date(2024, 12, 31))
    got = {(e.part, e.payee): e.amount for e in entries(row.id)}
    assert got == {("library", "library"): Decimal("2.00"), ("conversion", "subproject"): Decimal("2.00")}


@pytest.mark.parametrize("marc,rule,parts", [
    (lambda: western("Western book"), "upload.western.full", {"record": "4.00"}),
    (lambda: basic(western("Western basic")), "upload.western.basic", {"record": "0.00"}),
    (lambda: western("Kniga", lang="rus"), "upload.russian.full_or_basic", {"record": "3.00"}),
    (lambda: basic(western("Kniga basic", lang="rus")), "upload.russian.full_or_basic", {"record": "3.00"}),
    (lambda: western("Kitab", lang="ara"), "upload.minor.full_or_basic", {"record": "3.00", "cover_image": "1.00"}),
    (lambda: cnmarc_book("古籍善本", year=1800), "upload.ancient.full", {"holdings": "7.00", "images": "3.00"}),
    (lambda: basic(cnmarc_book("古籍残本", year=1790)), "upload.ancient.basic", {"holdings": "4.00"}),
])
def test_every_category_is_priced_by_the_schedule(world, marc, rule, parts):
    row, item = submit(world.cat, marc(), at=utc(2024, 6, 1))
    assert item is None
    posting.post_pending(date(2024, 12, 31))
    got = {e.part: e.amount for e in entries(row.id)}
    assert {e.rule for e in entries(row.id)} == {rule}
    assert got == {k: Decimal(v) for k, v in parts.items()}


def test_rejected_and_merged_duplicates_earn_nothing_an_accepted_one_earns_once(world):
    original, _ = submit(world.cat2, book(10, isbn="9787501344413"), at=utc(2024, 1, 10))
    dup1, item1 = submit(world.cat, book(11, isbn="9787501344413"))
    dup2, item2 = submit(world.cat, book(12, isbn="9787501344413"))
    dup3, item3 = submit(world.cat, book(13, isbn="9787501344413"))
    assert item1.kind == item2.kind == item3.kind == "duplicate"
    review.reject(world.qc, item1, "重复记录")
    review.merge(world.qc, item2, original.id, "同一版本")
    posting.post_pending(date(2024, 12, 31))
    assert entries(dup1.id) == entries(dup2.id) == entries(dup3.id) == []  # held records earn nothing yet
    accept(world.qc, item3, at=utc(2024, 12, 31, 15, 30))  # 23:30 in Beijing on the 31st
    posting.post_pending(date(2024, 12, 31))
    posting.post_pending(date(2025, 1, 31))
    (e,) = entries(dup3.id)
    assert (e.amount, e.on_date, e.year) == (Decimal("4.00"), date(2024, 12, 31), 2024)
    assert [e.source_id for e in entries() if e.library_id == world.lib.id] == [dup3.id]


def test_release_day_is_the_beijing_day_and_later_days_wait(world):
    row, _ = submit(world.cat, book(20), at=utc(2024, 12, 31, 16, 0))  # 00:00 on 1 January in Beijing
    assert posting.post_pending(date(2024, 12, 31))["uploads"] == 0
    assert posting.post_pending(date(2025, 1, 1))["uploads"] == 1
    (e,) = entries(row.id)
    assert (e.on_date, e.year) == (date(2025, 1, 1), 2025)


def test_records_before_the_first_schedule_are_not_priced(world):
    submit(world.cat, book(21), at=utc(2022, 12, 31, 15, 59))  # 23:59 on 31 December 2022 in Beijing
    assert posting.post_pending(date(2024, 1, 1))["uploads"] == 0


def test_post_charge_is_idempotent_and_signed(world):
    first = ledger.post_charge(world.lib, "batch_isbn.match", "batch_job", 77, utc(2024, 4, 1), quantity=3)
    again = ledger.post_charge(world.lib, "batch_isbn.match", "batch_job", 77, utc(2024, 4, 1), quantity=3)
    db.session.commit()
    assert [e.id for e in first] == [e.id for e in again]
    assert first[0].amount == Decimal("-4.50") and first[0].quantity == 3
    with pytest.raises(DomainError):
        ledger.post_charge(world.lib, "upload.chinese.full", "batch_job", 78, date(2024, 4, 1))


def test_a_correction_is_a_new_entry_referring_to_the_old_one(world):
    (charge,) = ledger.post_charge(world.lib, "batch_isbn.match", "batch_job", 5, date(2024, 4, 1), quantity=2)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        ledger.correct(world.admin, charge.id, "1.50", "refund")
    with pytest.raises(DomainError):
        ledger.correct(world.centre, charge.id, "1.50", "  ")
    fixed = ledger.correct(world.centre, charge.id, "1.50", "一条匹配错误")
    assert (fixed.corrects_id, fixed.revision, fixed.amount, fixed.on_date) == (
        charge.id, 1, Decimal("1.50"), date(2024, 4, 1))
    assert ledger.net("batch_job", 5, "batch_isbn.match", "record") == Decimal("-1.50")
    assert db.session.get(LedgerEntry, charge.id).amount == Decimal("-3.00")  # never edited
