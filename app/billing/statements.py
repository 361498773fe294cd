"""Statements: a library's year from the ledger, and the centre's summary across libraries.

Money comes from the ledger only (after `post_pending`), so a statement printed twice, or next
year, shows the same figures; the quota counts beside it are the live assessment of quota.py.
Access: the centre sees every library; a library administrator sees their own library.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select

from app.core.errors import NotFound
from app.extensions import db
from app.members.models import Library, Region
from app.permissions import CATALOGUER, CENTRE_ADMIN, LIBRARY_ADMIN, OwnLibrary, require

from . import posting, quota
from .models import LedgerEntry
from .rules import CHARGE, PAYMENT, RULES, SUBPROJECT, part_of

ZERO = Decimal("0.00")
VIEW_STATEMENT = (CENTRE_ADMIN | (LIBRARY_ADMIN & OwnLibrary())).named("view_billing_statement")
VIEW_QUOTA = (CENTRE_ADMIN | ((LIBRARY_ADMIN | CATALOGUER) & OwnLibrary())).named("view_billing_quota")
VIEW_SUMMARY = CENTRE_ADMIN


@dataclass
class Line:
    rule: str
    items: int = 0  # records, downloads or jobs (sources)
    quantity: int = 0
    parts: dict[str, Decimal] = field(default_factory=dict)  # part → net amount
    to_library: Decimal = ZERO
    to_subproject: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.to_library + self.to_subproject


@dataclass
class Statement:
    library: Library
    year: int
    uploads: list[Line]
    charges: list[Line]
    quota: quota.Quota
    entries: int

    @property
    def payments(self) -> Decimal:
        return sum((line.to_library for line in self.uploads), ZERO)

    @property
    def subproject(self) -> Decimal:
        return sum((line.to_subproject for line in self.uploads), ZERO)

    @property
    def charged(self) -> Decimal:
        return sum((line.to_library for line in self.charges), ZERO)

    @property
    def net(self) -> Decimal:
        """Owed to the library (positive) or by it (negative): its payments less its charges."""
        return self.payments + self.charged

    @property
    def records(self) -> int:
        return sum(line.items for line in self.uploads)


def get_library(library_id: int) -> Library:
    lib = db.session.get(Library, library_id)
    if lib is None:
        raise NotFound(_l("No such library."))
    return lib


def lines(library_id: int, year: int) -> dict[str, Line]:
    rows = db.session.execute(select(
        LedgerEntry.rule, LedgerEntry.part, LedgerEntry.payee, func.sum(LedgerEntry.amount),
        func.count(distinct(LedgerEntry.source_id)),
        func.sum(LedgerEntry.quantity).filter(LedgerEntry.revision == 0),
    ).where(LedgerEntry.library_id == library_id, LedgerEntry.year == year)
        .group_by(LedgerEntry.rule, LedgerEntry.part, LedgerEntry.payee)).all()
    found: dict[str, Line] = {}
    for rule, part, payee, amount, sources, qty in rows:
        line = found.setdefault(rule, Line(rule))
        amount = Decimal(amount or 0).quantize(Decimal("0.01"))
        line.parts[part] = line.parts.get(part, ZERO) + amount
        line.items = max(line.items, sources)
        line.quantity = max(line.quantity, qty or 0)
        if payee == SUBPROJECT:
            line.to_subproject += amount
        else:
            line.to_library += amount
    if "download.over_quota" in found:  # a charge reversed in full leaves no billable download behind
        line = found["download.over_quota"]
        line.items = line.quantity = billable_downloads(library_id, year)
    return found


def billable_downloads(library_id: int, year: int) -> int:
    nets = select(LedgerEntry.source_id, func.sum(LedgerEntry.amount).label("net")).where(
        LedgerEntry.library_id == library_id, LedgerEntry.year == year,
        LedgerEntry.rule == "download.over_quota").group_by(LedgerEntry.source_id).subquery()
    return db.session.scalar(select(func.count()).select_from(nets).where(nets.c.net != 0)) or 0


def order(rule: str) -> int:
    keys = list(RULES)
    return keys.index(rule) if rule in keys else len(keys)


def statement(user, library: Library, year: int, post: bool = True) -> Statement:
    require(VIEW_STATEMENT, user, library)
    if post:
        posting.post_pending(library_id=library.id)
    found = lines(library.id, year)
    uploads = sorted((l for l in found.values() if RULES.get(l.rule) and RULES[l.rule].kind == PAYMENT),
                     key=lambda l: order(l.rule))
    charges = sorted((l for l in found.values() if not (RULES.get(l.rule) and RULES[l.rule].kind == PAYMENT)),
                     key=lambda l: order(l.rule))
    count = db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.library_id == library.id, LedgerEntry.year == year)) or 0
    return Statement(library, year, uploads, charges, quota.assess(library.id, year, with_items=False), count)


def live_quota(user, library: Library, year: int) -> tuple[quota.Quota, Decimal]:
    require(VIEW_QUOTA, user, library)
    posting.post_pending(library_id=library.id)
    return quota.assess(library.id, year, with_items=False), quota.charged(library.id, year)


@dataclass
class SummaryRow:
    library: Library
    region: Region
    records: int = 0
    payments: Decimal = ZERO
    subproject: Decimal = ZERO
    charges: Decimal = ZERO
    quota: quota.Quota | None = None

    @property
    def net(self) -> Decimal:
        return self.payments + self.charges


def summary(user, year: int) -> tuple[list[SummaryRow], list[SummaryRow]]:
    """One row per library with entries or downloads that year, and one per region (library None)."""
    require(VIEW_SUMMARY, user)
    posting.post_pending()
    rows = db.session.execute(select(
        LedgerEntry.library_id, LedgerEntry.rule, LedgerEntry.payee, func.sum(LedgerEntry.amount),
        func.count(distinct(LedgerEntry.source_id))).where(LedgerEntry.year == year)
        .group_by(LedgerEntry.library_id, LedgerEntry.rule, LedgerEntry.payee)).all()
    from app.catalog.workflow_models import Download

    ids = {r[0] for r in rows} | set(db.session.scalars(
        select(distinct(Download.library_id)).where(Download.year == year)))
    libs = {lib.id: lib for lib in db.session.scalars(select(Library).where(Library.id.in_(ids)))} if ids else {}
    by_lib = {i: SummaryRow(lib, lib.region, quota=quota.assess(i, year, with_items=False))
              for i, lib in libs.items()}
    for library_id, rule, payee, amount, sources in rows:
        row = by_lib[library_id]
        amount = Decimal(amount or 0).quantize(Decimal("0.01"))
        kind = RULES[rule].kind if rule in RULES else CHARGE
        if kind == PAYMENT:
            if payee == SUBPROJECT:
                row.subproject += amount
            else:
                row.payments += amount
                row.records += sources
        else:
            row.charges += amount
    per_library = sorted(by_lib.values(), key=lambda r: (r.region.code, r.library.code or "", r.library.id))
    regions: dict[int, SummaryRow] = {}
    for r in per_library:
        total = regions.setdefault(r.region.id, SummaryRow(None, r.region))
        total.records += r.records
        total.payments += r.payments
        total.subproject += r.subproject
        total.charges += r.charges
    return per_library, sorted(regions.values(), key=lambda r: r.region.code)


def part_label(rule: str, part: str, lang: str) -> str:
    try:
        p = part_of(rule, part)
    except (KeyError, StopIteration):
        return part
    return p.label[0] if lang.startswith("zh") else p.label[1]
