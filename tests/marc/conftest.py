import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# CI clones the project with shared/ beside it; a developer's checkout has the same layout.
SHARED = Path(os.environ.get("BIANMU_SHARED", REPO.parent / "shared"))
MARC_DATA = SHARED / "data" / "marc"


@pytest.fixture(scope="session")
def marc_data() -> Path:
    if not MARC_DATA.is_dir():
        pytest.fail(f"shared MARC test data not found at {MARC_DATA} (set BIANMU_SHARED)")
    return MARC_DATA
