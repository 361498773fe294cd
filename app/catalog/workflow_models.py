"""Tables of the cataloguing workflow: drafts, the review queue, probation, downloads, authority links."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

REVIEW_KINDS = ("duplicate", "probation")
REVIEW_STATUSES = ("open", "accepted", "merged", "rejected")


class Draft(db.Model):
    """A record being written in the MARC editor, saved as MarcMaker text until submitted."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("libraries.id"))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))  # set when editing a record
    base_version: Mapped[int | None]  # the version the edit started from, to detect a lost update
    text: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")
    record = relationship("Record")


class ReviewItem(db.Model):
    """A record held back from the catalogue: a suspected duplicate, or a cataloguer on probation."""

    __tablename__ = "review_items"
    __table_args__ = (Index("ix_review_items_status_kind", "status", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    # For an edit of an existing record under review: the proposed MARC, not yet applied.
    proposed_marc: Mapped[str | None] = mapped_column(Text)
    # The record's version the proposed edit started from: accepting it refuses once the record has
    # moved on (another edit meanwhile would be undone). NULL for new records, and for older items.
    base_version: Mapped[int | None] = mapped_column()
    candidates: Mapped[list] = mapped_column(JSON, default=list)  # suspected duplicates: [{id, score, why}]
    scope: Mapped[str] = mapped_column(String(20))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("libraries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(1000))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))

    record = relationship("Record", foreign_keys=[record_id])
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class ProbationRule(db.Model):
    """How many reviewed records a newly certified cataloguer of a scope submits before release."""

    __tablename__ = "probation_rules"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    records_required: Mapped[int] = mapped_column(default=10)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Download(db.Model):
    """One record downloaded by one member: the basis of quotas and of the download fee."""

    __tablename__ = "downloads"
    __table_args__ = (Index("ix_downloads_library_year", "library_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    year: Mapped[int]  # calendar year in Beijing time, kept for yearly counts
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    encoding: Mapped[str] = mapped_column(String(12))


class AuthorityLink(db.Model):
    """A heading in a bibliographic record controlled by an authority record."""

    __tablename__ = "authority_links"
    __table_args__ = (Index("ix_authority_links_authority", "authority_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(3))
    heading: Mapped[str] = mapped_column(String(500))


class Heading(db.Model):
    """The heading browse: each authority's heading and its variants, by normalised sort key."""

    __tablename__ = "headings"
    __table_args__ = (Index("ix_headings_key", "sort_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    sort_key: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(10))  # "heading" | "see" (4XX) | "see_also" (5XX)
