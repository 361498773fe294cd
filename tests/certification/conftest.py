"""The `exam` fixture: the shipped bank, a round on the shipped level-3 Chinese blueprint with
both sittings open now, and a registered candidate."""
from datetime import timedelta

import pytest

from app.certification import rounds
from app.core.types import utcnow
from app.questions import bankfiles
from app.questions.services import import_specs


@pytest.fixture
def exam(gen):
    """The shipped bank, a round on the shipped Chinese blueprint with both sittings open now,
    and a registered candidate."""
    import_specs(None, bankfiles.load_bank())
    lib = gen.gen_library()
    admin = gen.gen_user("centre_admin")
    cand = gen.gen_user("cataloguer", library=lib)
    now = utcnow()
    r = rounds.create_round(admin, blueprint_code="level3-chinese", code="2026-9", title_zh="第9期",
                            title_en="Round 9", registration_opens_at=now - timedelta(days=1),
                            registration_closes_at=now + timedelta(days=1))
    for section in ("A", "B"):
        rounds.add_sitting(admin, r, section, now - timedelta(minutes=5), now + timedelta(hours=6))
    rounds.set_status(admin, r, "open")
    rounds.record_training_certificate(admin, cand, "PX-2026-001")
    reg = rounds.register(cand, r)
    return {"admin": admin, "cand": cand, "round": r, "reg": reg, "lib": lib, "gen": gen}
