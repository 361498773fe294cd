"""Demo billing: the 2023 schedule and a posting run over whatever the demo catalogue holds."""
from __future__ import annotations

from . import posting, schedules


def seed_billing() -> dict:
    """Idempotent: the schedule is added once, and posting adds only what is not yet posted."""
    schedules.seed_schedule()
    done = posting.post_pending()
    return {"schedules": len(schedules.all_schedules()), **done}
