"""The duty roster decides who answers: duty expert → substitute → panel lead → shared queue."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from app.consult import routing
from app.consult.workdays import add_working_days, local_date, week_start
from app.core.errors import DomainError, PermissionDenied

from .helpers import people, rota

MONDAY = date(2026, 11, 23)


def test_duty_expert_per_category_and_week(gen):
    p = people(gen)
    rota(p, "cnmarc", MONDAY)
    routing.set_week(p["admin"], MONDAY, {"marc21": {"duty": p["sub"].id}})
    routing.set_week(p["admin"], MONDAY + timedelta(days=7), {"cnmarc": {"duty": p["lead"].id}})
    assert routing.route("cnmarc", MONDAY + timedelta(days=3)) == (p["duty"], "duty")
    assert routing.route("marc21", MONDAY + timedelta(days=6)) == (p["sub"], "duty")     # Sunday: same week
    assert routing.route("cnmarc", MONDAY + timedelta(days=7)) == (p["lead"], "duty")    # next week
    assert routing.route("authority", MONDAY) == (None, "unassigned")
    assert routing.route("cnmarc", MONDAY - timedelta(days=1)) == (None, "unassigned")   # previous week: empty


def test_absence_then_substitute_then_lead_then_unassigned(gen):
    p = people(gen)
    rota(p, "cnmarc", MONDAY)
    wed = MONDAY + timedelta(days=2)
    routing.add_absence(p["admin"], p["duty"].id, wed, wed + timedelta(days=1), "出差")
    assert routing.route("cnmarc", MONDAY) == (p["duty"], "duty")
    assert routing.route("cnmarc", wed) == (p["sub"], "substitute")
    routing.add_absence(p["admin"], p["sub"].id, wed, wed, "病假")
    assert routing.route("cnmarc", wed) == (p["lead"], "lead")
    assert routing.route("cnmarc", wed + timedelta(days=1)) == (p["sub"], "substitute")
    routing.add_absence(p["admin"], p["lead"].id, MONDAY, MONDAY + timedelta(days=6), "年假")
    assert routing.route("cnmarc", wed) == (None, "unassigned")


def test_no_substitute_goes_to_lead(gen):
    p = people(gen)
    rota(p, "rules", MONDAY, substitute=False)
    routing.add_absence(p["admin"], p["duty"].id, MONDAY, MONDAY, "会议")
    assert routing.route("rules", MONDAY) == (p["lead"], "lead")


def test_an_expert_who_lost_the_role_is_skipped(gen):
    from app.accounts import roles

    p = people(gen)
    rota(p, "cnmarc", MONDAY)
    grant = next(g for g in p["duty"].grants if g.role == "expert")
    roles.revoke(None, grant, "离任")
    assert routing.route("cnmarc", MONDAY) == (p["sub"], "substitute")


def test_only_the_centre_admin_edits_and_only_experts_go_on_it(gen):
    p = people(gen)
    with pytest.raises(PermissionDenied):
        routing.set_week(p["duty"], MONDAY, {"cnmarc": {"duty": p["duty"].id}})
    with pytest.raises(DomainError) as e:
        routing.set_week(p["admin"], MONDAY, {"cnmarc": {"duty": p["asker"].id}})
    assert e.value.field == "duty_cnmarc"
    with pytest.raises(DomainError):
        routing.set_week(p["admin"], MONDAY, {"cnmarc": {"duty": p["duty"].id, "substitute": p["duty"].id}})
    with pytest.raises(DomainError):
        routing.add_absence(p["admin"], p["duty"].id, MONDAY, MONDAY - timedelta(days=1), "x")
    with pytest.raises(PermissionDenied):
        routing.add_absence(p["lead"], p["duty"].id, MONDAY, MONDAY, "x")


def test_editing_replaces_and_clears_cells(gen):
    p = people(gen)
    rota(p, "cnmarc", MONDAY)
    routing.set_week(p["admin"], MONDAY + timedelta(days=4), {"cnmarc": {"duty": p["lead"].id}})  # Friday → same week
    grid = routing.week(MONDAY)
    assert grid["cnmarc"]["duty"].expert == p["lead"] and grid["cnmarc"]["duty"].substitute is None
    assert grid["cnmarc"]["lead"] is None


def test_working_days_skip_the_weekend():
    friday = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)            # Friday 10:00 in Beijing
    due = add_working_days(friday, 2)
    assert local_date(due) == date(2026, 12, 1) and due.astimezone(timezone.utc).hour == 2   # Tuesday
    saturday = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)
    assert local_date(add_working_days(saturday, 2)) == date(2026, 12, 1)
    monday_late = datetime(2026, 11, 23, 17, 0, tzinfo=timezone.utc)      # Tuesday 01:00 in Beijing
    assert local_date(monday_late) == date(2026, 11, 24)
    assert week_start(date(2026, 11, 29)) == MONDAY
