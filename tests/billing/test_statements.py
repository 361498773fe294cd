"""Statements from the ledger: the page's figures, the CSV, and a PDF read back and checked."""
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.billing import ledger, posting, statements
from app.billing.models import LedgerEntry
from app.billing.pdf import render_statement_pdf
from app.catalog import services
from app.core.errors import PermissionDenied
from app.extensions import db
from tests.billing.conftest import book, download, holding, japanese, submit, utc


@pytest.fixture
def year_2024(world):
    """2 Chinese + 1 Japanese uploads, 1 holding, 6 downloads (1 repeat), 1 batch job of 4 matches."""
    for n in (1, 2):
        submit(world.cat, book(n), at=utc(2024, 3, n))
    submit(world.cat, japanese("日本の目録学"), at=utc(2024, 3, 5))
    pool = [services.create(None, book(50 + i)) for i in range(6)]
    db.session.commit()
    holding(world.lib, pool[0], utc(2024, 3, 9))
    for i in range(5):  # 4 uploaded holdings → 4 free (floor 4.8): the 5th distinct record is billable
        download(world.cat, pool[i + 1] if i < 4 else pool[0], utc(2024, 4, 1 + i))
    download(world.cat, pool[1], utc(2024, 5, 1))  # a repeat: free, not counted
    ledger.post_charge(world.lib, "batch_isbn.match", "batch_job", 9001, utc(2024, 6, 1), quantity=4)
    db.session.commit()
    posting.post_pending(date(2024, 12, 31))
    return world


def ledger_sum(library, **where):
    q = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.library_id == library.id,
                                                                     LedgerEntry.year == 2024)
    for k, v in where.items():
        q = q.where(getattr(LedgerEntry, k) == v)
    return Decimal(db.session.scalar(q)).quantize(Decimal("0.01"))


def test_the_statement_adds_up_from_the_ledger(year_2024):
    w = year_2024
    st = statements.statement(w.admin, w.lib, 2024, post=False)
    by_rule = {line.rule: line for line in st.uploads}
    assert by_rule["upload.chinese.full"].items == 2 and by_rule["upload.chinese.full"].to_library == Decimal("8.00")
    jp = by_rule["upload.japanese.full"]
    assert jp.parts == {"library": Decimal("2.00"), "conversion": Decimal("2.00")}
    assert (jp.to_library, jp.to_subproject) == (Decimal("2.00"), Decimal("2.00"))
    assert (st.payments, st.subproject) == (Decimal("10.00"), Decimal("2.00"))
    charges = {line.rule: line for line in st.charges}
    assert charges["download.over_quota"].total == Decimal("-1.00") and charges["download.over_quota"].items == 1
    assert charges["batch_isbn.match"].total == Decimal("-6.00") and charges["batch_isbn.match"].quantity == 4
    assert st.charged == Decimal("-7.00") and st.net == Decimal("3.00")
    assert st.net == ledger_sum(w.lib, payee="library")
    q = st.quota
    assert (q.uploads, q.holdings, q.free, q.downloads, q.counted, q.billable) == (3, 1, 4, 6, 5, 1)


def test_a_library_admin_sees_only_their_own_statement(year_2024):
    w = year_2024
    with pytest.raises(PermissionDenied):
        statements.statement(w.other_admin, w.lib, 2024)
    with pytest.raises(PermissionDenied):
        statements.statement(w.cat, w.lib, 2024)  # a cataloguer sees the quota, not the statement
    assert statements.statement(w.centre, w.lib, 2024).net == Decimal("3.00")


def test_the_pdf_figures_read_back_match_the_ledger(year_2024):
    w = year_2024
    st = statements.statement(w.admin, w.lib, 2024, post=False)
    pdf = render_statement_pdf(st, date(2025, 1, 15))
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    text = " ".join(p.extract_text() for p in reader.pages)
    figures = {k: Decimal(v) for k, v in re.findall(r"\b([A-Z]+(?: [A-Z]+)?) = (-?\d+\.\d\d)\b", text)}
    assert figures["PAYMENTS"] == ledger_sum(w.lib, payee="library", source_type="record")
    assert figures["SUBPROJECT"] == ledger_sum(w.lib, payee="subproject")
    assert figures["CHARGES"] == ledger_sum(w.lib, source_type="download") + ledger_sum(w.lib, source_type="batch_job")
    assert figures["NET"] == ledger_sum(w.lib, payee="library") == Decimal("3.00")
    uploads = {(r, p): Decimal(v) for r, p, v in re.findall(r"UPLOAD (\S+) (\S+) = (-?\d+\.\d\d)", text)}
    assert uploads[("upload.japanese.full", "conversion")] == ledger_sum(w.lib, rule="upload.japanese.full",
                                                                         part="conversion")
    assert uploads[("upload.chinese.full", "record")] == ledger_sum(w.lib, rule="upload.chinese.full")
    counts = dict(re.findall(r"QUOTA ([A-Z]+) = (\d+)", text))
    assert counts == {"UPLOADS": "3", "HOLDINGS": "1", "FREE": "4", "USED": "5", "BILLABLE": "1"}


def test_the_centre_summary_totals_by_library_and_region(year_2024):
    w = year_2024
    submit(w.cat2, book(77), at=utc(2024, 8, 1))
    per_library, per_region = statements.summary(w.centre, 2024)
    rows = {r.library.id: r for r in per_library}
    assert rows[w.lib.id].net == Decimal("3.00") and rows[w.lib.id].subproject == Decimal("2.00")
    assert rows[w.other.id].payments == Decimal("4.00")
    assert sum(r.net for r in per_region) == Decimal("7.00")
    with pytest.raises(PermissionDenied):
        statements.summary(w.admin, 2024)
