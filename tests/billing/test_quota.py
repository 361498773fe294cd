"""The download quota at its edges: exactly 120%, rounding, the year boundary, repeats, reversals."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.billing import posting, quota
from app.billing.models import LedgerEntry
from app.catalog import services
from app.catalog.models import Holding
from app.extensions import db
from tests.billing.conftest import book, download, holding, submit, utc


def records(n, start=100):
    rows = [services.create(None, book(start + i)) for i in range(n)]
    db.session.commit()
    return rows


def charges(library):
    return db.session.scalars(select(LedgerEntry).where(LedgerEntry.library_id == library.id,
                                                        LedgerEntry.rule == "download.over_quota")
                              .order_by(LedgerEntry.id)).all()


def test_allowance_is_floor_of_120_percent():
    assert quota.allowance(Decimal("120"), 10) == 12
    assert quota.allowance(Decimal("120"), 11) == 13  # 13.2
    assert quota.allowance(Decimal("120"), 4) == 4  # 4.8
    assert quota.allowance(Decimal("120"), 0) == 0
    assert quota.allowance(None, 10) == 0


def test_exactly_120_percent_is_free_and_the_next_download_is_charged(world):
    pool = records(23)
    for r in pool[:10]:
        holding(world.lib, r, utc(2024, 2, 1))
    for r in pool[10:22]:
        download(world.cat, r, utc(2024, 3, 1))
    posting.post_pending(date(2024, 12, 31))
    q = quota.assess(world.lib.id, 2024, date(2024, 12, 31))
    assert (q.uploaded, q.free, q.counted, q.billable) == (10, 12, 12, 0)  # 12 = 120% of 10: free
    assert charges(world.lib) == []
    thirteenth = download(world.cat, pool[22], utc(2024, 3, 2))
    posting.post_pending(date(2024, 12, 31))
    (c,) = charges(world.lib)
    assert (c.source_type, c.source_id, c.amount, c.on_date) == ("download", thirteenth.id, Decimal("-1.00"),
                                                                   date(2024, 3, 2))
    assert quota.charged(world.lib.id, 2024) == Decimal("-1.00")


def test_uploads_and_holdings_both_count_and_own_records_are_not_counted_twice(world):
    own = [submit(world.cat, book(200 + i), at=utc(2024, 4, 1))[0] for i in range(3)]
    others = records(2, start=300)
    for r in others:
        holding(world.lib, r, utc(2024, 4, 2))
    holding(world.lib, own[0], utc(2024, 4, 3))  # its own record: already counted as an upload
    holding(world.other, others[0], utc(2024, 4, 3))  # another library's holding
    posting.post_pending(date(2024, 12, 31))
    q = quota.assess(world.lib.id, 2024, date(2024, 12, 31))
    assert (q.uploads, q.holdings, q.uploaded, q.free) == (3, 2, 5, 6)


def test_the_year_boundary_is_midnight_in_beijing(world):
    pool = records(3)
    holding(world.lib, pool[0], utc(2024, 12, 31, 15, 59))  # 23:59 Beijing: 2024
    holding(world.lib, pool[1], utc(2024, 12, 31, 16, 0))  # 00:00 Beijing: 2025
    late = download(world.cat, pool[2], utc(2024, 12, 31, 16, 0))
    assert late.year == 2025
    posting.post_pending(date(2025, 1, 1))
    q24 = quota.assess(world.lib.id, 2024, date(2025, 1, 1))
    q25 = quota.assess(world.lib.id, 2025, date(2025, 1, 1))
    assert (q24.holdings, q24.counted) == (1, 0)
    assert (q25.holdings, q25.free, q25.counted, q25.billable) == (1, 1, 1, 0)


def test_a_record_downloaded_twice_in_a_year_counts_once_and_again_next_year(world):
    (r,) = records(1)
    first = download(world.cat, r, utc(2024, 5, 1))
    again = download(world.cat, r, utc(2024, 6, 1))
    next_year = download(world.cat, r, utc(2025, 2, 1))
    posting.post_pending(date(2025, 12, 31))
    q = quota.assess(world.lib.id, 2024, date(2025, 12, 31))
    assert (q.downloads, q.counted, q.billable) == (2, 1, 1)  # no holdings: the first is billable
    assert [c.source_id for c in charges(world.lib)] == [first.id, next_year.id]
    assert again.id not in {c.source_id for c in charges(world.lib)}
    assert [i.counted for i in q.items] == [True, False]


def test_a_charge_is_reversed_by_a_new_entry_when_the_allowance_grows(world):
    pool = records(3)
    d = download(world.cat, pool[0], utc(2024, 5, 1))
    posting.post_pending(date(2024, 12, 31))
    (charge,) = charges(world.lib)
    assert charge.amount == Decimal("-1.00")
    holding(world.lib, pool[1], utc(2024, 9, 1))  # 1 holding: 1 free download (floor 1.2)
    done = posting.post_pending(date(2024, 12, 31))
    assert done["adjustments"] == 1
    first, reversal = charges(world.lib)
    assert first.id == charge.id and first.amount == Decimal("-1.00")  # never edited
    assert (reversal.source_id, reversal.corrects_id, reversal.revision, reversal.amount) == (
        d.id, charge.id, 1, Decimal("1.00"))
    assert quota.charged(world.lib.id, 2024) == Decimal("0.00")
    assert posting.post_pending(date(2024, 12, 31)) == {"uploads": 0, "charges": 0, "adjustments": 0}


def test_downloads_by_another_library_do_not_use_this_quota(world):
    pool = records(2)
    holding(world.lib, pool[0], utc(2024, 1, 5))
    download(world.cat2, pool[1], utc(2024, 1, 6))
    posting.post_pending(date(2024, 12, 31))
    assert quota.assess(world.lib.id, 2024, date(2024, 12, 31)).counted == 0
    assert [c.library_id for c in charges(world.other)] == [world.other.id]


def test_a_reversed_charge_is_charged_again_when_the_allowance_shrinks(world):
    pool = records(2)
    d = download(world.cat, pool[0], utc(2024, 5, 1))
    h = holding(world.lib, pool[1], utc(2024, 6, 1))
    posting.post_pending(date(2024, 12, 31))
    assert charges(world.lib) == []  # 1 holding → 1 free download
    db.session.delete(h)
    db.session.commit()
    posting.post_pending(date(2024, 12, 31))
    (c,) = charges(world.lib)
    assert (c.source_id, c.revision, c.amount) == (d.id, 0, Decimal("-1.00"))
    holding(world.lib, pool[1], utc(2024, 7, 1))
    posting.post_pending(date(2024, 12, 31))
    db.session.delete(db.session.scalars(select(Holding)).first())
    db.session.commit()
    posting.post_pending(date(2024, 12, 31))
    assert [(e.revision, e.amount) for e in charges(world.lib)] == [
        (0, Decimal("-1.00")), (1, Decimal("1.00")), (2, Decimal("-1.00"))]
    assert charges(world.lib)[2].corrects_id == charges(world.lib)[1].id


def test_downloads_made_through_the_catalogue_are_charged_beyond_the_allowance(world):
    from app.catalog import downloads
    from app.catalog.workflow_models import Download

    pool = records(3)
    downloads.download(world.cat, [pool[0].id, pool[1].id], "iso2709")
    downloads.download(world.cat, [pool[1].id], "marcxml")  # the same record again, another format
    year = db.session.scalars(select(Download.year)).first()
    posting.post_pending()
    q = quota.assess(world.lib.id, year)
    assert (q.downloads, q.counted, q.billable) == (3, 2, 2)
    assert quota.charged(world.lib.id, year) == Decimal("-2.00")
