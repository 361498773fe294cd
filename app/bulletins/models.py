"""Bulletin issues, their sections and images, and who subscribes.

An issue gets its number only when it is published (year + number within the year + a running
total), so published numbers have no gaps whatever happens to drafts.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

STATUSES = ("draft", "in_review", "published")
SECTION_KINDS = ("news", "practice", "training", "statistics", "qa")


class Bulletin(db.Model):
    __tablename__ = "bulletins"
    __table_args__ = (UniqueConstraint("year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int | None]
    number: Mapped[int | None]                      # within the year: 2026年第3期
    serial: Mapped[int | None] = mapped_column(unique=True)   # running total: 总第12期
    issue_date: Mapped[date | None] = mapped_column(Date)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_note: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Lower-cased plain text of the titles and sections, set on publication, searched with LIKE.
    search_text: Mapped[str | None] = mapped_column(Text)

    sections: Mapped[list[BulletinSection]] = relationship(
        back_populates="bulletin", order_by="BulletinSection.position", cascade="all, delete-orphan")
    images: Mapped[list[BulletinImage]] = relationship(
        back_populates="bulletin", order_by="BulletinImage.name", cascade="all, delete-orphan")
    created_by = relationship("User", foreign_keys=[created_by_id])
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    returned_by = relationship("User", foreign_keys=[returned_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])

    @property
    def label_zh(self) -> str:
        if self.number is None:
            return "草稿"
        return f"{self.year}年第{self.number}期（总第{self.serial}期）"

    @property
    def label_en(self) -> str:
        if self.number is None:
            return "Draft"
        return f"{self.year} No. {self.number} (No. {self.serial} overall)"


class BulletinSection(db.Model):
    __tablename__ = "bulletin_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")      # Markdown
    position: Mapped[int]

    bulletin: Mapped[Bulletin] = relationship(back_populates="sections")


class BulletinImage(db.Model):
    """Kept in the database (a bulletin is a handful of images): backups and copies stay whole."""

    __tablename__ = "bulletin_images"
    __table_args__ = (UniqueConstraint("bulletin_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id"))
    name: Mapped[str] = mapped_column(String(60))
    mime: Mapped[str] = mapped_column(String(20))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    bulletin: Mapped[Bulletin] = relationship(back_populates="images")


class BulletinSubscription(db.Model):
    __tablename__ = "bulletin_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
