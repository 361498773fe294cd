"""Member libraries, the regions and centres they belong to, and the agreements they accept."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

LIBRARY_TYPES = ("academic", "public", "commercial")
CENTRE_KINDS = ("regional", "provincial")
AGREEMENT_KINDS = ("service", "union_catalogue")

# The joining workflow, in order. `active` and `disabled` follow the account being opened.
STATUS_REGISTERED = "registered"
STATUS_AGREED = "agreed"
STATUS_SUBMITTED = "submitted"
STATUS_OPENED = "opened"  # account opened by the centre, waiting for the user's activation
STATUS_ACTIVE = "active"
STATUS_REJECTED = "rejected"
WORKFLOW = (STATUS_REGISTERED, STATUS_AGREED, STATUS_SUBMITTED, STATUS_OPENED, STATUS_ACTIVE)


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(80))

    centres: Mapped[list[Centre]] = relationship(back_populates="region", order_by="Centre.code")


class Centre(db.Model):
    """A regional or provincial centre: a library that coordinates the members of its area."""

    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="centres")


class Library(db.Model):
    __tablename__ = "libraries"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200), index=True)
    name_en: Mapped[str | None] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(20))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    director_name: Mapped[str | None] = mapped_column(String(100))
    local_system: Mapped[str | None] = mapped_column(String(100))
    cataloguer_count: Mapped[int | None]
    collection_size: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default=STATUS_REGISTERED, index=True)
    upload_right: Mapped[bool] = mapped_column(default=False)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Random; changing it invalidates the applicant's continuation link.
    application_nonce: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)

    region: Mapped[Region] = relationship()
    centre: Mapped[Centre | None] = relationship()
    users = relationship("User", back_populates="library", order_by="User.name")
    acceptances: Mapped[list[AgreementAcceptance]] = relationship(
        back_populates="library", order_by="AgreementAcceptance.accepted_at"
    )

    @property
    def is_member(self) -> bool:
        return self.status == STATUS_ACTIVE and self.disabled_at is None

    def accepted(self, kind: str) -> AgreementAcceptance | None:
        found = [a for a in self.acceptances if a.agreement.kind == kind]
        return found[-1] if found else None


class Agreement(db.Model):
    """A version of one of the two agreements; the text a library accepted stays as it was."""

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    version: Mapped[str] = mapped_column(String(20))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    effective_from: Mapped[date] = mapped_column(Date)


class AgreementAcceptance(db.Model):
    __tablename__ = "agreement_acceptances"
    __table_args__ = (UniqueConstraint("library_id", "agreement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"), index=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_by_name: Mapped[str] = mapped_column(String(100))

    library: Mapped[Library] = relationship(back_populates="acceptances")
    agreement: Mapped[Agreement] = relationship()
