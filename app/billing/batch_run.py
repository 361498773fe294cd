"""Running batch ISBN jobs: claiming, looking up in chunks, writing the file and the report, charging.

A job is run by whoever claims it first: `flask --app wsgi billing batch-work` (cron, or `--loop` as
a long-running worker) or a thread the web view starts after its commit. Claiming is one
conditional UPDATE (… WHERE status = 'queued'), so a job is never run twice at once; a job whose
runner died (no heartbeat for STALE) goes back to the queue and starts again from the beginning —
nothing of a run is kept until its last transaction, which stores the files, sets `done` and posts
the charge together. Every later write of a run is conditional on its attempt number, so a run
that was presumed dead and comes back changes nothing.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import threading
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.catalog.downloads import EXTENSIONS
from app.catalog.indexing import from_json
from app.catalog.models import Record, RecordKey
from app.core.errors import DomainError
from app.core.types import utcnow
from app.extensions import db
from app.marc.io import MarcWriteError, MarcWriter

from . import batch_lists as lists
from .batch import REASONS
from .batch_models import BatchFile, BatchJob

log = logging.getLogger(__name__)

RULE = "batch_isbn.match"
CHUNK = 500
STALE = timedelta(minutes=10)
KEEP_FILES = timedelta(days=30)


def claim(job_id: int) -> int | None:
    """Take a queued job; the attempt number, or None when someone else has it (or it is over)."""
    now = utcnow()
    t = BatchJob.__table__
    res = db.session.execute(t.update().where(t.c.id == job_id, t.c.status == "queued").values(
        status="running", started_at=now, heartbeat_at=now, attempts=t.c.attempts + 1, processed=0))
    db.session.commit()
    if res.rowcount != 1:
        return None
    return db.session.scalar(sa.select(BatchJob.attempts).where(BatchJob.id == job_id))


def requeue_stale(now: datetime | None = None) -> int:
    """Jobs whose runner stopped (no heartbeat for STALE) go back to the queue."""
    t = BatchJob.__table__
    res = db.session.execute(t.update().where(
        t.c.status == "running", t.c.heartbeat_at < (now or utcnow()) - STALE).values(status="queued"))
    db.session.commit()
    return res.rowcount or 0


def next_queued() -> int | None:
    return db.session.scalar(sa.select(BatchJob.id).where(BatchJob.status == "queued")
                             .order_by(BatchJob.created_at, BatchJob.id).limit(1))


class _TakenOver(Exception):
    pass


def process(job_id: int) -> bool:
    """Run the job if it can be claimed. True when this call ran it (to the end or to a failure)."""
    attempt = claim(job_id)
    if attempt is None:
        return False
    try:
        _run(db.session.get(BatchJob, job_id), attempt)
    except _TakenOver:
        db.session.rollback()
    except Exception as exc:  # any failure ends the job with a message, never a job stuck running
        db.session.rollback()
        log.exception("batch job %s failed", job_id)
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        t = BatchJob.__table__
        db.session.execute(t.update().where(t.c.id == job_id, t.c.status == "running", t.c.attempts == attempt)
                           .values(status="failed", finished_at=utcnow(), error=str(message)[:1000]))
        db.session.commit()
    return True


def _touch(job_id: int, attempt: int, **values) -> None:
    t = BatchJob.__table__
    res = db.session.execute(t.update().where(t.c.id == job_id, t.c.status == "running", t.c.attempts == attempt)
                             .values(heartbeat_at=utcnow(), **values))
    if res.rowcount != 1:
        raise _TakenOver()
    db.session.commit()


def _fits(fmt: str, encoding: str) -> bool:
    if encoding == "gb18030":
        return fmt != "marc21"
    if encoding == "marc8":
        return fmt == "marc21"
    return True


def _lookup(isbns: list[str], encoding: str) -> tuple[dict[str, int], set[str]]:
    """ISBN → the record to send; and the ISBNs found only in records the character set cannot carry."""
    rows = db.session.execute(
        sa.select(RecordKey.value, Record.id, Record.format, Record.level)
        .join(Record, Record.id == RecordKey.record_id)
        .where(RecordKey.kind == "isbn", RecordKey.value.in_(isbns), Record.kind == "bibliographic",
               Record.status == "active")).all()
    best: dict[str, tuple] = {}
    seen: set[str] = set()
    for value, record_id, fmt, level in rows:
        seen.add(value)
        if not _fits(fmt, encoding):
            continue
        rank = (level != "full", record_id)
        if value not in best or rank < best[value]:
            best[value] = rank
    chosen = {value: rank[1] for value, rank in best.items()}
    return chosen, seen - set(chosen)


def _run(job: BatchJob, attempt: int) -> None:
    payload = json.loads(db.session.scalar(sa.select(BatchFile.data).where(
        BatchFile.job_id == job.id, BatchFile.kind == "input")).decode("utf-8"))
    items = [lists.Item(line, raw, isbn, problem) for line, raw, isbn, problem in payload]
    unique, repeats = lists.distinct(items)
    isbns = [i.isbn for i in unique]
    found: dict[str, int] = {}
    wrong_charset: set[str] = set()
    for start in range(0, len(isbns), CHUNK):
        chosen, other = _lookup(isbns[start:start + CHUNK], job.encoding)
        found.update(chosen)
        wrong_charset |= other
        _touch(job.id, attempt, processed=min(start + CHUNK, len(isbns)))

    # Records in the order of the list's lines, each once.
    record_ids = list(dict.fromkeys(found[i] for i in isbns if i in found))
    data, unwritable = _write(record_ids, job.format, job.encoding, lambda: _touch(job.id, attempt))
    sent = [r for r in record_ids if r not in unwritable]
    report = _report(items, repeats, found, wrong_charset, unwritable)
    unmatched = sum(1 for i in unique if i.isbn not in found or found[i.isbn] in unwritable)

    now = utcnow()
    t = BatchJob.__table__
    res = db.session.execute(t.update().where(t.c.id == job.id, t.c.status == "running", t.c.attempts == attempt)
                             .values(status="done", finished_at=now, heartbeat_at=now, processed=len(isbns),
                                     matched=len(sent), unmatched=unmatched, error=None))
    if res.rowcount != 1:
        raise _TakenOver()
    stem = f"bianmu-batch-{job.id}" + ("" if job.encoding == "utf-8" else f"-{job.encoding}")
    db.session.add_all([
        BatchFile(job_id=job.id, kind="marc", name=f"{stem}.{EXTENSIONS[job.format]}", data=data),
        BatchFile(job_id=job.id, kind="report", name=f"bianmu-batch-{job.id}-report.csv", data=report),
        BatchFile(job_id=job.id, kind="matches", name="matches.json", data=json.dumps(sent).encode()),
    ])
    if sent:
        _charge(job, now, len(sent))
    db.session.commit()


def _charge(job: BatchJob, when: datetime, quantity: int) -> None:
    """The ledger's own entry point (app.billing.ledger), idempotent per job."""
    from . import ledger

    ledger.post_charge(job.library_id, RULE, "batch_job", job.id, on=when, quantity=quantity,
                       note=f"batch ISBN job {job.id}: {quantity} records")


def _write(record_ids: list[int], fmt: str, encoding: str, heartbeat) -> tuple[bytes, dict[int, str]]:
    """The file, and the records that could not be written in it (with the writer's reason)."""
    buf = io.BytesIO()
    unwritable: dict[int, str] = {}
    with MarcWriter(buf, fmt, encoding) as writer:
        for start in range(0, len(record_ids), CHUNK):
            ids = record_ids[start:start + CHUNK]
            marc = dict(db.session.execute(sa.select(Record.id, Record.marc).where(Record.id.in_(ids))).all())
            for record_id in ids:
                try:
                    writer.write(from_json(marc[record_id]))
                except MarcWriteError as err:
                    unwritable[record_id] = f"{err.zh} / {err.en}"
            heartbeat()
    return buf.getvalue(), unwritable


def _report(items, repeats, found, wrong_charset, unwritable) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["line", "input", "isbn13", "result", "reason"])
    for pos, item in enumerate(items):
        if item.isbn is None:
            w.writerow([item.line, item.raw, "", "invalid", REASONS[item.problem]])
        elif pos in repeats:
            w.writerow([item.line, item.raw, item.isbn, "repeat", REASONS["repeat"].format(line=repeats[pos])])
        elif item.isbn in wrong_charset:
            w.writerow([item.line, item.raw, item.isbn, "unmatched", REASONS["charset"]])
        elif item.isbn not in found:
            w.writerow([item.line, item.raw, item.isbn, "unmatched", REASONS["unmatched"]])
        elif found[item.isbn] in unwritable:
            w.writerow([item.line, item.raw, item.isbn, "unwritable", unwritable[found[item.isbn]]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel then reads the Chinese right


# --- background: a thread for `make run`, the worker for production --------------------------------
def start_thread(app, job_id: int) -> threading.Thread:
    """Run the job in a thread of this process, with its own application context and session."""
    def main():
        with app.app_context():
            try:
                process(job_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=main, name=f"batch-job-{job_id}", daemon=True)
    thread.start()
    return thread


def work(loop: bool = False, max_jobs: int | None = None, sleep=None) -> int:
    """What `billing batch-work` does: requeue stale jobs, run queued ones; the number run."""
    done = 0
    while True:
        requeue_stale()
        job_id = next_queued()
        if job_id is None:
            if not loop:
                break
            purge_files()
            sleep()
            continue
        if process(job_id):
            done += 1
        if max_jobs is not None and done >= max_jobs:
            break
    return done


def purge_files(now: datetime | None = None) -> int:
    """Files of jobs finished more than KEEP_FILES ago; the job rows, the matched record ids (the
    log of what was sent) and the ledger stay."""
    old = sa.select(BatchJob.id).where(BatchJob.finished_at < (now or utcnow()) - KEEP_FILES)
    res = db.session.execute(sa.delete(BatchFile).where(BatchFile.job_id.in_(old),
                                                        BatchFile.kind.in_(("input", "marc", "report"))))
    db.session.commit()
    return res.rowcount or 0
