"""A member library with cataloguers certified for every scope, and the 2023 fee schedule."""
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from pymarc import Leader

from app.billing import schedules
from app.catalog import review, upload
from app.catalog.editor import text_of
from app.catalog.models import Holding
from app.catalog.workflow_models import Download, ProbationRule
from app.extensions import db
from tests.catalog.records import cnmarc_book, marc21_book
from tests.factories import gen_library, gen_user

SCOPES = ("chinese", "western", "japanese", "russian", "other", "ancient")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def basic(marc):
    leader = str(marc.leader)
    code = "7" if marc.get("008") is not None else "1"  # CNMARC basic level; MARC 21 minimal level
    marc.leader = Leader(leader[:17] + code + leader[18:])
    return marc


def western(title, **kw):
    """A MARC 21 record complete enough to be uploaded (040 is mandatory at full level)."""
    from pymarc import Field, Subfield

    marc = marc21_book(title, **kw)
    marc.add_ordered_field(Field(tag="040", indicators=[" ", " "],
                                 subfields=[Subfield("a", "DLC"), Subfield("b", "eng"), Subfield("c", "DLC")]))
    return marc


def japanese(title):
    marc = cnmarc_book(title)
    marc["101"]["a"] = "jpn"
    return marc


@pytest.fixture
def world(ctx):
    schedules.seed_schedule()
    lib = gen_library(code="BILL", upload_right=True)
    other = gen_library(code="ELSE", upload_right=True)
    grants = [("certified", s, 3) for s in SCOPES]
    for scope in SCOPES:
        db.session.add(ProbationRule(scope=scope, records_required=0))
    db.session.commit()
    w = SimpleNamespace(
        lib=lib, other=other,
        cat=gen_user("cataloguer", *grants, library=lib),
        cat2=gen_user("cataloguer", *grants, library=other),
        admin=gen_user("cataloguer", "library_admin", library=lib),
        other_admin=gen_user("cataloguer", "library_admin", library=other),
        centre=gen_user("centre_admin"),
        qc=gen_user("cataloguer", ("expert", "quality"), library=other),
    )
    return w


def submit(user, marc, at: datetime | None = None):
    """Upload through the real workflow; `at` backdates the record (its release moment)."""
    row, item = upload.submit(user, upload.new_draft(user, text=text_of(marc)))
    if at is not None:
        row.created_at = at
        db.session.commit()
    return row, item


def accept(reviewer, item, at: datetime | None = None):
    review.accept(reviewer, item)
    if at is not None:
        item.decided_at = at
        db.session.commit()


def download(user, record, at: datetime):
    from app.catalog.downloads import beijing_year

    d = Download(at=at, year=beijing_year(at), library_id=user.library_id, user_id=user.id, record_id=record.id,
                 format="iso2709", encoding="utf-8")
    db.session.add(d)
    db.session.commit()
    return d


def holding(library, record, at: datetime):
    h = Holding(record_id=record.id, library_id=library.id, created_at=at)
    db.session.add(h)
    db.session.commit()
    return h


def title(n: int) -> str:
    """Titles far apart, so that the duplicate check never holds one back."""
    return "".join(chr(0x4E00 + (n * k * 97 + k * 131) % 20000) for k in (1, 2, 3, 5))


def book(n: int, **kw):
    kw.setdefault("author", title(n + 500) + "著")
    kw.setdefault("publisher", title(n + 900) + "出版社")
    kw.setdefault("year", 1960 + n % 60)
    return cnmarc_book(title(n), **kw)


__all__ = ["basic", "japanese", "western", "cnmarc_book", "submit", "accept", "download", "holding", "utc", "book"]
