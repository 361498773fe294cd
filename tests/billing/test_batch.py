"""Batch copy by ISBN list: reading lists, matching, the file and the report, charging, the worker."""
import csv
import io
from decimal import Decimal

import pytest
from flask import current_app
from openpyxl import Workbook
from sqlalchemy import func, select

from app.billing import batch, batch_lists, batch_run, schedules
from app.billing.batch_models import BatchJob
from app.billing.models import LedgerEntry
from app.catalog import services
from app.catalog.workflow_models import Download
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.marc.io import read
from tests.catalog.records import cnmarc_book, marc21_book
from tests.factories import gen_library, gen_user, login

CN_10, CN_13 = "7-5037-1744-0", "9787503717444"       # one Chinese book, both forms
EN_X, EN_13 = "0-2016-1622-X", "9780201616224"        # a Western book whose ISBN-10 ends in X
NOWHERE = "978-0-306-40615-7"                         # valid, in no record


# --- reading lists (pure) ----------------------------------------------------------------------------
def test_text_lists_take_hyphens_spaces_commas_prefixes_and_x():
    items = batch_lists.from_text(f"{CN_10}\n\nISBN {EN_X.lower()}, 978 0 306 40615 7\n"
                                  f"9787503717444;abc 12345\n  ISBN-13: 979-10-90636-07-1 (pbk.)\n")
    assert [(i.line, i.isbn) for i in items if i.isbn] == [
        (1, CN_13), (3, EN_13), (3, "9780306406157"), (4, CN_13), (5, "9791090636071")]
    assert [(i.line, i.raw, i.problem) for i in items if not i.isbn] == [(4, "12345", batch_lists.BAD_LENGTH)]


def test_invalid_lines_are_reported_with_their_line_numbers():
    items = batch_lists.from_text("7-5037-1744-1\n9787503717445\n97875037174X4\n书名\nX123456789\n")
    assert [(i.line, i.problem) for i in items] == [
        (1, batch_lists.BAD_CHECK), (2, batch_lists.BAD_CHECK), (3, batch_lists.BAD_LENGTH),
        (4, batch_lists.NO_ISBN), (5, batch_lists.BAD_LENGTH)]


def test_full_width_digits_are_read():
    (item,) = batch_lists.from_text("９７８７５０３７１７４４４")
    assert item.isbn == CN_13


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_spreadsheet_column_titled_isbn_numbers_and_lost_leading_zeros():
    data = _xlsx([["题名", "ISBN"], ["书一", CN_10], ["书二", 9780201616224], ["书三", 306406152], ["书四", "bad"]])
    items = batch_lists.from_upload("list.xlsx", data)
    assert [(i.line, i.isbn) for i in items] == [(2, CN_13), (3, EN_13), (4, "9780306406157"), (5, None)]


def test_a_spreadsheet_without_header_uses_the_first_column():
    items = batch_lists.from_upload("list.xlsx", _xlsx([[CN_13, "x"], [EN_X, "y"]]))
    assert [i.isbn for i in items] == [CN_13, EN_13]


def test_csv_with_a_header_and_gb18030():
    data = "序号,isbn号\n1,7-5037-1744-0\n2,0201616 22X\n".encode("gb18030")
    items = batch_lists.from_upload("list.csv", data)
    assert [(i.line, i.isbn) for i in items] == [(2, CN_13), (3, EN_13)]


def test_size_limits():
    with pytest.raises(batch_lists.ListError) as e:
        batch_lists.from_text("\n".join([CN_13] * (batch_lists.MAX_ITEMS + 1)))
    assert e.value.code == "too_many"
    assert len(batch_lists.from_text("\n".join([CN_13] * batch_lists.MAX_ITEMS))) == batch_lists.MAX_ITEMS
    with pytest.raises(batch_lists.ListError) as e:
        batch_lists.from_upload("big.txt", b"9" * (batch_lists.MAX_BYTES + 1))
    assert e.value.code == "too_big"
    with pytest.raises(batch_lists.ListError) as e:
        batch_lists.from_upload("fake.xlsx", b"PK\x03\x04 not a zip")
    assert e.value.code == "not_xlsx"


# --- jobs ----------------------------------------------------------------------------------------
@pytest.fixture
def bw(ctx):
    """Two member libraries, the 2023 schedule, and a catalogue with a few ISBNs."""
    old = ctx.config.get("BATCH_THREAD_MAX")
    ctx.config["BATCH_THREAD_MAX"] = 0  # the tests run jobs themselves
    schedules.seed_schedule()
    lib, other = gen_library(code="BATCH"), gen_library(code="OTHERB")
    w = type("W", (), {})()
    w.lib, w.other = lib, other
    w.cat = gen_user("cataloguer", library=lib)
    w.admin = gen_user("library_admin", library=lib)
    w.stranger = gen_user("cataloguer", library=other)
    w.centre = gen_user("centre_admin")
    w.cn = services.create(None, cnmarc_book("中国图书馆学", isbn=CN_10))
    w.en = services.create(None, marc21_book("Cataloging basics", isbn=EN_X))
    w.gone = services.create(None, cnmarc_book("已删除的书", isbn="9791090636071"), status="deleted")
    db.session.commit()
    yield w
    if old is None:
        ctx.config.pop("BATCH_THREAD_MAX", None)
    else:
        ctx.config["BATCH_THREAD_MAX"] = old


def _job(user, text, fmt="iso2709", encoding="utf-8"):
    return batch.submit(user, batch.read_list(text), fmt, encoding, "typed")


def _entries():
    return db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()


def _report(job):
    data = batch.file_of(job, "report").data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(data)))


def test_a_job_matches_sends_reports_and_charges_once(bw):
    text = f"{CN_10}\n{EN_X}\n{NOWHERE}\nnot an isbn\n{CN_13}\n9791090636071\n"
    job = _job(bw.cat, text)
    assert (job.status, job.lines, job.total, job.invalid, job.duplicates) == ("queued", 6, 4, 1, 1)
    assert batch_run.process(job.id) is True
    db.session.refresh(job)
    assert (job.status, job.matched, job.unmatched, job.progress) == ("done", 2, 2, 100)

    records = [r.record for r in read(io.BytesIO(batch.file_of(job, "marc").data), format="iso2709")]
    assert len(records) == 2
    assert records[0]["200"]["a"] == "中国图书馆学"
    assert records[1]["245"]["a"].startswith("Cataloging basics")

    report = _report(job)
    assert [(r["line"], r["result"]) for r in report] == [
        ("3", "unmatched"), ("4", "invalid"), ("5", "repeat"), ("6", "unmatched")]
    assert "line 1" in report[2]["reason"]

    (entry,) = _entries()
    assert (entry.rule, entry.source_type, entry.source_id, entry.quantity, entry.amount, entry.library_id) == (
        "batch_isbn.match", "batch_job", job.id, 2, Decimal("-3.00"), bw.lib.id)
    # Run again (a second worker, a retry): nothing happens, nothing is charged twice.
    assert batch_run.process(job.id) is False
    db.session.execute(BatchJob.__table__.update().values(status="queued"))  # even forced back to the queue
    db.session.commit()
    assert batch_run.process(job.id) is True
    assert len(_entries()) == 1
    # Batch copies are not downloads: the free download allowance is untouched.
    assert db.session.scalar(select(func.count()).select_from(Download)) == 0


def test_one_record_matched_by_two_isbns_is_sent_and_charged_once(bw):
    job = _job(bw.cat, f"{CN_10}\n{CN_13}\n")  # the same ISBN twice: one distinct ISBN
    batch_run.process(job.id)
    db.session.refresh(job)
    assert (job.total, job.matched) == (1, 1)
    # Two different ISBNs carried by one record.
    marc = cnmarc_book("两个书号的书", isbn="9780306406157")
    marc["010"].add_subfield("a", "9791090636071")
    services.create(None, marc)
    db.session.commit()
    job2 = _job(bw.cat, "9780306406157\n979-10-90636-07-1")
    batch_run.process(job2.id)
    db.session.refresh(job2)
    assert (job2.total, job2.matched, job2.unmatched) == (2, 1, 0)
    assert [e.quantity for e in _entries()] == [1, 1]


def test_the_character_set_decides_which_records_can_be_sent(bw):
    job = _job(bw.cat, f"{CN_13}\n{EN_13}\n", fmt="iso2709", encoding="gb18030")
    batch_run.process(job.id)
    db.session.refresh(job)
    assert (job.matched, job.unmatched) == (1, 1)
    (row,) = _report(job)
    assert (row["isbn13"], row["result"]) == (EN_13, "unmatched") and "character set" in row["reason"]
    records = [r.record for r in read(io.BytesIO(batch.file_of(job, "marc").data), format="iso2709",
                                      encoding="gb18030")]
    assert records[0]["200"]["a"] == "中国图书馆学"


@pytest.mark.parametrize("fmt", ["marcxml", "mrk", "json"])
def test_other_formats(bw, fmt):
    job = _job(bw.cat, f"{CN_13}\n{EN_13}", fmt=fmt)
    batch_run.process(job.id)
    records = [r.record for r in read(io.BytesIO(batch.file_of(db.session.get(BatchJob, job.id), "marc").data),
                                      format=fmt)]
    assert len(records) == 2


def test_a_list_without_a_valid_isbn_and_bad_combinations_are_refused(bw):
    with pytest.raises(DomainError):
        _job(bw.cat, "abc\n123")
    with pytest.raises(DomainError):
        _job(bw.cat, CN_13, fmt="marcxml", encoding="gb18030")
    with pytest.raises(DomainError) as e:
        batch.read_list("\n".join([CN_13] * (batch_lists.MAX_ITEMS + 1)))
    assert "20000" in str(e.value.message) or "20,000" in str(e.value.message)


def test_who_may_send_lists(bw):
    assert _job(bw.admin, CN_13).library_id == bw.lib.id
    with pytest.raises(PermissionDenied):
        _job(bw.centre, CN_13)
    job = _job(bw.cat, CN_13)
    with pytest.raises(NotFound):
        batch.get_job(bw.stranger, job.id)


def test_a_job_is_claimed_once(bw):
    job = _job(bw.cat, CN_13)
    assert batch_run.claim(job.id) == 1
    assert batch_run.claim(job.id) is None
    assert batch_run.process(job.id) is False  # claimed by someone else: not run here
    assert db.session.get(BatchJob, job.id).status == "running"


def test_a_stale_job_goes_back_to_the_queue_and_runs_again(bw):
    from datetime import timedelta

    job = _job(bw.cat, CN_13)
    batch_run.claim(job.id)
    assert batch_run.requeue_stale() == 0
    assert batch_run.requeue_stale(utcnow() + batch_run.STALE + timedelta(seconds=1)) == 1
    assert batch_run.work() == 1
    db.session.refresh(job)
    assert (job.status, job.attempts, job.matched) == ("done", 2, 1)


def test_a_failing_job_is_marked_failed_with_its_message(bw, monkeypatch):
    job = _job(bw.cat, CN_13)

    def boom(*a, **kw):
        raise DomainError("no schedule")

    monkeypatch.setattr(batch_run, "_charge", boom)
    batch_run.process(job.id)
    db.session.refresh(job)
    assert (job.status, job.error) == ("failed", "no schedule")
    assert batch.file_of(job, "marc") is None and _entries() == []


def test_the_thread_runs_a_job_in_its_own_context(bw):
    job = _job(bw.cat, CN_13)
    batch_run.start_thread(current_app._get_current_object(), job.id).join(60)
    db.session.expire_all()
    assert db.session.get(BatchJob, job.id).status == "done"


def test_the_worker_command(bw):
    job = _job(bw.cat, CN_13)
    runner = current_app.test_cli_runner()
    result = runner.invoke(args=["billing", "batch-work"])
    assert result.exit_code == 0, result.output
    assert "ran 1 batch jobs" in result.output
    db.session.expire_all()
    assert db.session.get(BatchJob, job.id).status == "done"


# --- pages ---------------------------------------------------------------------------------------
def test_pages_send_a_file_follow_it_and_offer_the_results(bw, client):
    login(client, bw.cat)
    assert client.get("/billing/batch/").status_code == 200
    data = {"format": "iso2709", "encoding": "utf-8", "isbns": "",
            "file": (io.BytesIO(_xlsx([["ISBN"], [CN_10], ["bad"]])), "list.xlsx")}
    resp = client.post("/billing/batch/", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302
    job_url = resp.headers["Location"]
    job_id = int(job_url.rstrip("/").split("/")[-1])
    status = client.get(f"/billing/batch/{job_id}/status").get_json()
    assert (status["status"], status["invalid"]) == ("queued", 1)
    page = client.get(f"/billing/batch/{job_id}").get_data(as_text=True)
    assert "batch.js" in page and "<script>" not in page
    assert client.get(f"/billing/batch/{job_id}/records").status_code == 404  # not done yet
    batch_run.work()
    assert client.get(f"/billing/batch/{job_id}/status").get_json()["matched"] == 1
    page = client.get(f"/billing/batch/{job_id}").get_data(as_text=True)
    assert f"/billing/batch/{job_id}/records" in page
    resp = client.get(f"/billing/batch/{job_id}/records")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/marc"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert "invalid" in client.get(f"/billing/batch/{job_id}/report.csv").get_data(as_text=True)
    listing = client.get("/billing/batch/").get_data(as_text=True)
    assert f'href="/billing/batch/{job_id}"' in listing

    # Another library's cataloguer learns nothing of this job.
    client.post("/account/logout")
    login(client, bw.stranger)
    for suffix in ("", "/status", "/records", "/report.csv"):
        assert client.get(f"/billing/batch/{job_id}{suffix}").status_code == 404
    client.post("/account/logout")
    login(client, bw.centre)
    assert client.get(f"/billing/batch/{job_id}/records").status_code == 403


def test_the_page_shows_list_errors_next_to_the_form(bw, client):
    login(client, bw.cat)
    resp = client.post("/billing/batch/", data={"format": "iso2709", "encoding": "utf-8", "isbns": "abc"})
    assert resp.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(BatchJob)) == 0


def test_marc8_sends_the_marc21_records(bw):
    import shutil

    if shutil.which("yaz-marcdump") is None:
        pytest.skip("yaz-marcdump not installed")
    job = _job(bw.cat, f"{CN_13}\n{EN_13}", fmt="iso2709", encoding="marc8")
    batch_run.process(job.id)
    db.session.refresh(job)
    assert (job.matched, job.unmatched) == (1, 1)
    data = batch.file_of(job, "marc").data
    assert data[9:10] == b" "  # leader/09 blank: MARC-8
    (rec,) = [r.record for r in read(io.BytesIO(data), format="iso2709")]
    assert rec["245"]["a"].startswith("Cataloging basics")
