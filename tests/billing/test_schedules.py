"""Schedules are versioned data: the rate of an event is the one in force on its Beijing date."""
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.billing import posting, schedules
from app.billing.models import FeeSchedule, LedgerEntry
from app.billing.rules import SCHEDULE_2023
from app.catalog import services
from app.core.errors import DomainError, PermissionDenied
from app.extensions import db
from tests.billing.conftest import book, download, submit, utc


def amounts(**changes):
    found = {k: str(v) for k, v in SCHEDULE_2023.items()}
    for (rule, part), value in changes.get("set", {}).items():
        found[(rule, part)] = value
    return found


def test_the_2023_schedule_is_seeded_once_with_the_free_items_at_zero(world):
    again = schedules.seed_schedule()
    assert db.session.scalars(select(FeeSchedule)).all() == [again]
    rates = {(r.rule, r.part): r.amount for r in again.rates}
    assert rates[("upload.chinese.full", "record")] == Decimal("4.00")
    assert rates[("download.quota_percent", "percent")] == Decimal("120.00")
    assert rates[("batch_isbn.match", "record")] == Decimal("1.50")
    assert {rates[("service.client", "fee")], rates[("service.plugin", "fee")],
            rates[("service.annual_fee", "fee")]} == {Decimal("0.00")}
    assert schedules.in_force(date(2022, 12, 31)) is None
    assert schedules.in_force(date(2023, 1, 1)) == again


def test_only_centre_administrators_create_versions(world):
    with pytest.raises(PermissionDenied):
        schedules.create_version(world.admin, date(2030, 1, 1), amounts())
    with pytest.raises(PermissionDenied):
        schedules.create_version(world.cat, date(2030, 1, 1), amounts())


@pytest.mark.parametrize("value,message", [("-1", "negative"), ("1.005", "decimal"), ("abc", "amount"),
                                           ("", "0 if free"), ("100001", "At most")])
def test_amounts_are_validated_as_decimals_next_to_their_field(world, value, message):
    with pytest.raises(DomainError) as err:
        schedules.create_version(world.centre, date(2030, 1, 1),
                                 amounts(set={("upload.western.full", "record"): value}))
    assert err.value.field == "upload__western__full___record"
    with force_locale("en"):
        assert message in str(err.value.message)


def test_a_version_cannot_take_effect_on_a_day_already_priced(world):
    submit(world.cat, book(1), at=utc(2024, 5, 1))
    posting.post_pending(date(2024, 12, 31))
    with pytest.raises(DomainError) as err:
        schedules.create_version(world.centre, date(2024, 5, 1), amounts())
    assert err.value.field == "effective_from"
    with pytest.raises(DomainError):
        schedules.create_version(world.centre, date(2023, 1, 1), amounts())
    assert schedules.create_version(world.centre, date(2024, 5, 2), amounts()).effective_from == date(2024, 5, 2)


def test_a_schedule_change_mid_year_prices_each_event_by_its_own_day(world):
    new = schedules.create_version(world.centre, date(2024, 7, 1), amounts(set={
        ("upload.chinese.full", "record"): "5.00", ("download.over_quota", "record"): "2.00"}), "2024年7月调整")
    old = schedules.in_force(date(2024, 6, 30))
    june, _ = submit(world.cat, book(1), at=utc(2024, 6, 30, 15, 59))  # 23:59 on 30 June in Beijing
    july, _ = submit(world.cat, book(2), at=utc(2024, 6, 30, 16, 0))  # 00:00 on 1 July in Beijing
    pool = [services.create(None, book(10 + i)) for i in range(6)]
    db.session.commit()
    # 2 uploads → 2 free downloads (floor 2.4); the 3rd (June) and 4th (July) are charged.
    for i, at in enumerate([utc(2024, 6, 1), utc(2024, 6, 2), utc(2024, 6, 30, 15, 0), utc(2024, 7, 1, 1)]):
        download(world.cat, pool[i], at)
    posting.post_pending(date(2024, 12, 31))
    got = {(e.source_type, e.on_date): (e.amount, e.schedule_id) for e in db.session.scalars(select(LedgerEntry))}
    assert got[("record", date(2024, 6, 30))] == (Decimal("4.00"), old.id)
    assert got[("record", date(2024, 7, 1))] == (Decimal("5.00"), new.id)
    assert got[("download", date(2024, 6, 30))] == (Decimal("-1.00"), old.id)
    assert got[("download", date(2024, 7, 1))] == (Decimal("-2.00"), new.id)
    assert {june.id, july.id} == {e.source_id for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.source_type == "record"))}
