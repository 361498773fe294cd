"""Batch copy by ISBN list (issue 7 §4): a library sends ISBNs, gets a MARC file of the matches.

Submitting reads and checks the list at once (invalid lines are known before anything runs) and
stores it with a queued `BatchJob`; `batch_run` does the lookups later, in the background.

Charging: one ledger posting per job under `batch_isbn.match`, quantity = distinct records in the
file, through `ledger.post_charge` (posting the same job twice adds nothing). Batch copies are not
logged as `Download` rows: the quota counts Download rows and would then charge the same record a
second time as an over-quota download; the job (with its matched record ids) is the log instead.

Matching: the ISBN-13 keys of active bibliographic records (`record_keys`, indexed by kind, value).
Where several records carry an ISBN, one is sent: a record the chosen character set can carry
(GB18030: CNMARC, MARC-8: MARC 21), full level before basic, the oldest first. A record matched by
two lines (its ISBN-10 and ISBN-13, or two ISBNs of one book) is sent and charged once.
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.catalog.downloads import check_combination
from app.core.errors import DomainError, NotFound
from app.extensions import db
from app.permissions import CATALOGUER, LIBRARY_ADMIN, require

from . import batch_lists as lists
from .batch_models import BatchFile, BatchJob

BATCH_ISBN = (CATALOGUER | LIBRARY_ADMIN).named("batch_isbn")

# Report reasons, bilingual: the CSV is read outside the portal, in either language.
REASONS = {
    lists.BAD_LENGTH: "位数不对（应为10位或13位） / not 10 or 13 characters long",
    lists.BAD_CHECK: "校验位错误 / wrong check digit",
    lists.BAD_CHARS: "含有非ISBN字符 / characters that cannot be in an ISBN",
    lists.NO_ISBN: "本行没有ISBN / no ISBN on this line",
    "unmatched": "目录中没有此ISBN的书目记录 / no bibliographic record with this ISBN",
    "charset": "有此ISBN的记录，但所选字符集无法输出 / records found, but none the chosen character set can carry",
    "repeat": "与第{line}行的ISBN相同 / same ISBN as line {line}",
}


# --- submitting and seeing jobs -------------------------------------------------------------------
def submit(user, items: list[lists.Item], format: str, encoding: str, source_name: str = "") -> BatchJob:
    require(BATCH_ISBN, user, message=str(_l("Batch copy is for cataloguers of member libraries.")))
    check_combination(format, encoding)
    if not items:
        raise DomainError(_l("The list is empty."), "isbns")
    unique, repeats = lists.distinct(items)
    if not unique:
        raise DomainError(_l("The list has no valid ISBN (see the lines below)."), "isbns")
    job = BatchJob(library_id=user.library_id, user_id=user.id, status="queued", source_name=source_name[:200],
                   format=format, encoding=encoding, lines=len(items), total=len(unique),
                   invalid=sum(1 for i in items if i.isbn is None), duplicates=len(repeats))
    db.session.add(job)
    db.session.flush()
    payload = [[i.line, i.raw[:100], i.isbn, i.problem] for i in items]
    db.session.add(BatchFile(job_id=job.id, kind="input", name="input.json",
                             data=json.dumps(payload, ensure_ascii=False).encode("utf-8")))
    db.session.commit()
    return job


def get_job(user, job_id: int) -> BatchJob:
    """Another library's job does not exist, as far as this user can tell."""
    require(BATCH_ISBN, user, message=str(_l("Batch copy is for cataloguers of member libraries.")))
    job = db.session.get(BatchJob, job_id)
    if job is None or job.library_id != user.library_id:
        raise NotFound(_l("No such batch job."))
    return job


def jobs_of(user, limit: int = 20) -> list[BatchJob]:
    require(BATCH_ISBN, user, message=str(_l("Batch copy is for cataloguers of member libraries.")))
    return db.session.scalars(sa.select(BatchJob).where(BatchJob.library_id == user.library_id)
                              .order_by(BatchJob.created_at.desc(), BatchJob.id.desc()).limit(limit)).all()


def file_of(job: BatchJob, kind: str) -> BatchFile | None:
    if job.status != "done":
        return None
    return db.session.scalar(sa.select(BatchFile).where(BatchFile.job_id == job.id, BatchFile.kind == kind))


def status_of(job: BatchJob) -> dict:
    return {"id": job.id, "status": job.status, "progress": job.progress, "total": job.total,
            "processed": job.processed, "matched": job.matched, "unmatched": job.unmatched,
            "invalid": job.invalid, "duplicates": job.duplicates, "error": job.error}


# --- reading what the form sent ------------------------------------------------------------------
LIST_ERRORS = {
    "too_many": _l("A list may hold at most %(max)d ISBNs; split it into several jobs.", max=lists.MAX_ITEMS),
    "too_big": _l("The file is larger than 5 MB."),
    "not_xlsx": _l("The file could not be read as an .xlsx spreadsheet."),
    "xls": _l("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or .csv."),
    "encoding": _l("The file is neither UTF-8 nor GB18030 text."),
}


def read_list(text: str | None = None, filename: str | None = None, data: bytes | None = None) -> list[lists.Item]:
    """The items of a typed list or of an uploaded file (the file wins when both are given)."""
    try:
        if data:
            return lists.from_upload(filename or "", data)
        if text and len(text.encode("utf-8")) > lists.MAX_BYTES:
            raise lists.ListError("too_big")
        return lists.from_text(text or "")
    except lists.ListError as err:
        raise DomainError(LIST_ERRORS.get(err.code, LIST_ERRORS["not_xlsx"]), "file" if data else "isbns") from None


def invalid_lines(job: BatchJob, limit: int = 100) -> list[lists.Item]:
    """The first invalid items of the list, to show on the job's page."""
    raw = db.session.scalar(sa.select(BatchFile.data).where(BatchFile.job_id == job.id, BatchFile.kind == "input"))
    if raw is None:
        return []
    items = [lists.Item(*row) for row in json.loads(raw.decode("utf-8"))]
    return [i for i in items if i.isbn is None][:limit]


def reason(problem: str) -> str:
    return REASONS.get(problem, problem)
