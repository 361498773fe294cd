"""Batch copy by ISBN list: the job a library submits and the files it produces.

The files live in the database (`batch_job_files`), not under instance/: the web process that takes
the list and the worker that answers it may run on different machines, a job's result is written
in the same transaction as its status and its charge (so a crash never leaves a "done" job without
its file, or a file without its charge), and the files go with the database's backups. Files are
kept apart from the job row so that listing jobs never reads them; `purge_files` drops old ones.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

JOB_STATUSES = ("queued", "running", "done", "failed")
FILE_KINDS = ("input", "marc", "report", "matches")


class BatchJob(db.Model):
    __tablename__ = "batch_jobs"
    __table_args__ = (Index("ix_batch_jobs_library_created", "library_id", "created_at"),
                      Index("ix_batch_jobs_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    source_name: Mapped[str] = mapped_column(String(200), default="")
    format: Mapped[str] = mapped_column(String(10))
    encoding: Mapped[str] = mapped_column(String(12))
    lines: Mapped[int] = mapped_column(default=0)  # non-blank lines (or cells) read from the list
    total: Mapped[int] = mapped_column(default=0)  # distinct valid ISBNs to look up
    processed: Mapped[int] = mapped_column(default=0)  # of `total`, looked up so far
    invalid: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)  # distinct records in the file (= charged)
    unmatched: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(1000))

    library = relationship("Library")
    user = relationship("User")

    @property
    def progress(self) -> int:
        """Percent of the lookups done (100 once the job is over, whatever happened)."""
        if self.status in ("done", "failed"):
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0


class BatchFile(db.Model):
    __tablename__ = "batch_job_files"
    __table_args__ = (UniqueConstraint("job_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("batch_jobs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
