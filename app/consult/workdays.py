"""Working days and roster weeks, in the centre's time zone. Pure: no Flask, no database.

Working days skip Saturdays and Sundays only. Public holidays (春节, 国庆 …) and the make-up working
weekends around them are NOT modelled: during a holiday week an escalation may come a day or two
early, which the panel accepted as harmless (the lead simply answers or passes the question back).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

CENTRE_TZ = ZoneInfo("Asia/Shanghai")


def local_date(moment: datetime) -> date:
    return moment.astimezone(CENTRE_TZ).date()


def week_start(day: date) -> date:
    """The Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


def add_working_days(start: datetime, n: int) -> datetime:
    """The moment `n` working days after `start` (same local clock time, weekends skipped).

    Friday 10:00 + 2 → Tuesday 10:00; Saturday 10:00 + 2 → Tuesday 10:00.
    """
    local = start.astimezone(CENTRE_TZ)
    added = 0
    while added < n:
        local = (local + timedelta(days=1))
        if local.weekday() < 5:
            added += 1
    return local


def iso_week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
