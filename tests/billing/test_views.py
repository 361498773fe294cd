"""The billing pages by role, the new-schedule form, and the CSV downloads."""
import csv
import io
from datetime import date

from sqlalchemy import select

from app.billing.models import FeeSchedule
from app.extensions import db
from tests.billing.conftest import book, submit, utc
from tests.factories import login


def test_a_library_admin_sees_their_own_library_only(client, world):
    submit(world.cat, book(1), at=utc(2024, 3, 1))
    login(client, world.admin)
    own = client.get(f"/billing/libraries/{world.lib.id}/statement?year=2024")
    assert own.status_code == 200 and 'data-figure="net">4.00' in own.get_data(as_text=True)
    assert client.get(f"/billing/libraries/{world.other.id}/statement?year=2024").status_code == 403
    assert client.get(f"/billing/libraries/{world.other.id}/quota").status_code == 403
    assert client.get(f"/billing/libraries/{world.other.id}/statement.pdf").status_code == 403
    assert client.get("/billing/summary").status_code == 403
    ledger_page = client.get(f"/billing/libraries/{world.lib.id}/ledger?year=2024").get_data(as_text=True)
    assert 'id="entry-' in ledger_page and "/correct" not in ledger_page
    assert client.post("/billing/entries/1/correct", data={"amount": "1.50", "reason": "x"}).status_code == 403
    resp = client.get("/billing/quota")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/billing/libraries/{world.lib.id}/quota")


def test_a_cataloguer_sees_the_quota_but_cannot_edit_schedules(client, world):
    login(client, world.cat)
    page = client.get(f"/billing/libraries/{world.lib.id}/quota?year=2024")
    assert page.status_code == 200 and 'data-figure="free">0' in page.get_data(as_text=True)
    assert "120%" in page.get_data(as_text=True)
    assert client.get(f"/billing/libraries/{world.lib.id}/statement").status_code == 403
    assert client.get("/billing/schedules").status_code == 403
    assert client.get("/billing/schedules/new").status_code == 403
    assert client.post("/billing/schedules/new", data={"effective_from": "2030-01-01"}).status_code == 403


def _form(**changes):
    from app.billing.rules import SCHEDULE_2023
    from app.billing.schedules import field_name

    data = {field_name(r, p): str(v) for (r, p), v in SCHEDULE_2023.items()}
    data.update(effective_from="2030-01-01", note="调整")
    data.update(changes)
    return data


def test_the_centre_creates_a_schedule_version_with_errors_next_to_fields(client, world):
    login(client, world.centre)
    assert client.get("/billing/schedules").status_code == 200
    form = client.get("/billing/schedules/new").get_data(as_text=True)
    assert 'value="4.00"' in form and "csrf_token" in form
    bad = client.post("/billing/schedules/new", data=_form(upload__chinese__full___record="4.005"))
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and 'id="upload__chinese__full___record-err"' in text
    assert db.session.scalar(select(FeeSchedule).where(FeeSchedule.effective_from == date(2030, 1, 1))) is None
    taken = client.post("/billing/schedules/new", data=_form(effective_from="2023-01-01"))
    assert 'id="effective_from-err"' in taken.get_data(as_text=True)
    ok = client.post("/billing/schedules/new", data=_form(upload__chinese__full___record="4.50"))
    assert ok.status_code == 302
    new = db.session.scalar(select(FeeSchedule).where(FeeSchedule.effective_from == date(2030, 1, 1)))
    assert [str(r.amount) for r in new.parts("upload.chinese.full")] == ["4.50"]


def test_csv_downloads_have_a_bom_and_safe_cells(client, world):
    world.lib.name_zh = "=HYPERLINK(\"x\")图书馆"
    db.session.commit()
    submit(world.cat, book(1), at=utc(2024, 3, 1))
    login(client, world.centre)
    resp = client.get(f"/billing/libraries/{world.lib.id}/statement.csv?year=2024")
    body = resp.get_data(as_text=True)
    assert resp.mimetype == "text/csv" and body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert ["upload", "upload.chinese.full", "record", "1", "4.00"] in rows
    assert ["total", "net", "", "", "4.00"] in rows
    assert rows[-1][2].startswith("'=")
    summary = client.get("/billing/summary.csv?year=2024").get_data(as_text=True)
    assert summary.startswith("\ufeff") and "'=HYPERLINK" in summary
    pdf = client.get(f"/billing/libraries/{world.lib.id}/statement.pdf?year=2024")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get("/billing/summary?year=1990").status_code == 404


def test_the_centre_corrects_an_entry_with_a_new_entry(client, world):
    from app.billing import ledger
    from app.billing.models import LedgerEntry

    (charge,) = ledger.post_charge(world.lib, "batch_isbn.match", "batch_job", 3, date(2024, 2, 1), quantity=2)
    db.session.commit()
    login(client, world.centre)
    page = client.get(f"/billing/libraries/{world.lib.id}/ledger?year=2024").get_data(as_text=True)
    assert f'id="entry-{charge.id}"' in page and f"/billing/entries/{charge.id}/correct" in page
    bad = client.post(f"/billing/entries/{charge.id}/correct", data={"amount": "1.505", "reason": "错了"})
    assert 'id="amount-err"' in bad.get_data(as_text=True)
    ok = client.post(f"/billing/entries/{charge.id}/correct", data={"amount": "1.50", "reason": "一条匹配有误"})
    assert ok.status_code == 302
    fixed = db.session.scalar(select(LedgerEntry).where(LedgerEntry.corrects_id == charge.id))
    assert str(fixed.amount) == "1.50" and fixed.revision == 1
