"""Catalogue tables. The MARC (MARC-in-JSON text) is the truth; every other column is derived
from it by `catalog.indexing` and can be rebuilt with `flask --app wsgi catalog reindex`."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

KINDS = ("bibliographic", "authority")
DATABASES = ("chinese", "western", "japanese", "russian", "other")
MATERIALS = ("book", "serial", "electronic", "ancient", "other")
STATUSES = ("active", "review", "rejected", "merged", "deleted")


class Record(db.Model):
    __tablename__ = "records"
    __table_args__ = (
        Index("ix_records_db_material", "database", "material"),
        # A search by years alone reads everything it filters on and counts from this index (a7k1c0de0016);
        # PostgreSQL's entries carry the id too, as SQLite's always do (a7m3c0de0018).
        Index("ix_records_year_search", "status", "year", "kind", "database", "material",
              postgresql_include=["id"]),
        # Every search filters on these: read for a record id without its row (the MARC is in it).
        Index("ix_records_search", "id", "status", "kind", "year", "database", "material"),
        # The language facet of a search's sample (up to 1,000 ids) read from the index alone: from the
        # table, SQLite followed each row past its MARC to the column, PostgreSQL read a page a record.
        Index("ix_records_id_language", "id", "language"),
        # The migrations add expression indexes ix_records_scan_{title,author,publisher} for SRU scan.
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(10))
    database: Mapped[str] = mapped_column(String(20))
    material: Mapped[str | None] = mapped_column(String(20))
    # The item's language (ISO 639-2/B, as MARC codes it), for the language facet and filter.
    language: Mapped[str | None] = mapped_column(String(3))
    level: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="active")
    marc: Mapped[str] = mapped_column(Text)
    # The record's own 001, as received; the catalogue's identifier is `id`.
    control_number: Mapped[str | None] = mapped_column(String(64))
    # Where a bulk-loaded record came from, so that loading the same file again changes nothing.
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Compared for a record found by its source key; never looked up by (no index: migration a7j0c0de0015).
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(Text, default="")
    publisher: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    library_id: Mapped[int | None] = mapped_column(ForeignKey("libraries.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))

    holdings: Mapped[list[Holding]] = relationship(back_populates="record", order_by="Holding.id")
    keys: Mapped[list[RecordKey]] = relationship(cascade="all, delete-orphan")
    created_by = relationship("User", foreign_keys=[created_by_id])
    library = relationship("Library", foreign_keys=[library_id])


class RecordKey(db.Model):
    """Exact-match keys: normalised ISBN-13, ISSN, class numbers (CLC, LCC, DDC); folded subject
    headings (for SRU scan)."""

    __tablename__ = "record_keys"
    __table_args__ = (Index("ix_record_keys_kind_value_record", "kind", "value", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(100))


class RecordVersion(db.Model):
    """Every state a record has had, with who changed it, when, and what changed field by field."""

    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    version: Mapped[int]
    # NULL only while this is the record's current version: its MARC is then the record's own (a
    # bulk load writes it once). Read it with catalog.services.version_marc; services.replace writes
    # it here before the record changes (migration a7o5c0de0020).
    marc: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(20))
    diff: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(String(500))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author = relationship("User")


class Holding(db.Model):
    """A member library's copies of a record. The search finds holdings through tokens in the record's
    full-text row: whatever adds, moves or deletes holdings calls `backend().index_holdings(record
    ids)` in the same transaction (catalog.services.add_holding, the importer, a merge do)."""

    __tablename__ = "holdings"
    __table_args__ = (
        Index("ix_holdings_library_record", "library_id", "record_id"),
        # The library and region facets: a record's holding libraries without its holdings' rows.
        Index("ix_holdings_record_library", "record_id", "library_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"))
    call_number: Mapped[str | None] = mapped_column(String(100))
    copies: Mapped[int] = mapped_column(default=1)
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    record: Mapped[Record] = relationship(back_populates="holdings")
    library = relationship("Library")


class DeferredIndex(db.Model):
    """An index a large load dropped to build it once at its end (catalog.load_indexes). A row left
    behind means the index is missing: the load that dropped it died before building it again."""

    __tablename__ = "deferred_indexes"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    # The statement that builds it again, as the database itself gave it before the drop.
    definition: Mapped[str] = mapped_column(Text)
    # host:pid of the load, so that another load can tell whether it is still running.
    owner: Mapped[str] = mapped_column(String(200))
    deferred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
