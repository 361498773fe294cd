"""Searching other catalogues and copying a record from them into one's drafts.

    hits = search_external("loc-sru", "isbn", "978-0-306-40615-7")
    draft = import_external(user, hits[0].record)

A record copied from outside is input to original cataloguing, never a catalogue record by
itself: it becomes a Draft of the cataloguer (MarcMaker text), who edits it and submits it
through the normal upload workflow (checks, duplicate detection, review).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from pymarc import Record as MarcRecord

from app import permissions as p
from app.core.errors import DomainError
from app.core.types import utcnow
from app.extensions import db
from app.marc.display import brief as brief_line
from app.marc.io import MarcWriteError, to_bytes
from app.marc.normalise import isbn_clean

from . import sru, zoom
from .errors import ExternalError, Said
from .targets import KINDS, Target, enabled_targets, get_target

# Who may search other catalogues, and who may copy a record into their drafts.
SEARCH_EXTERNAL = (p.CATALOGUER | p.CENTRE_ADMIN).named("search_external")
COPY_EXTERNAL = (p.CATALOGUER & p.OwnLibrary()).named("copy_external")
MAX_RECORDS = 50
MAX_TEXT = 200
MAX_DRAFT_TEXT = 200_000  # what the editor accepts
KIND_LABELS = {
    "isbn": _l("ISBN"),
    "title": _l("Title"),
    "author": _l("Author"),
    "keyword": _l("Any word"),
}


@dataclass
class ExternalHit:
    brief: str
    record: MarcRecord
    target: Target
    position: int = 0
    in_catalogue: list[int] = field(default_factory=list)  # our active records with the same ISBN


@dataclass
class ExternalResult:
    target: Target
    query: str  # the CQL or PQF sent
    total: int
    hits: list[ExternalHit]
    problems: list = field(default_factory=list)  # records that came back unusable, one message each


def search_external(target_name: str, query_kind: str, text: str, max_records: int = 10, *,
                    actor=None) -> list[ExternalHit]:
    """The records a target returns for one question (the first `max_records`)."""
    return run_search(target_name, query_kind, text, max_records, actor=actor).hits


def run_search(target_name: str, query_kind: str, text: str, max_records: int = 10, *, actor=None,
               mark_known: bool = True) -> ExternalResult:
    """search_external with the hit count, the query sent and the per-record problems.

    `actor` given (the web): they must hold SEARCH_EXTERNAL. Raises DomainError for bad input
    (with the form field) and ExternalError when the target fails.
    """
    if actor is not None:
        p.require(SEARCH_EXTERNAL, actor)
    target = get_target(target_name)
    kind, term = check_query(query_kind, text)
    if not 1 <= int(max_records) <= MAX_RECORDS:
        raise DomainError(_l("Ask for 1 to %(n)d records.", n=MAX_RECORDS), "max_records")
    if target.protocol == "sru":
        query = cql_query(target, kind, term)
        fetched = sru.search(target.url, query, version=target.version, schema=target.record_schema,
                             max_records=max_records, timeout=target.timeout)
    else:
        query = pqf_query(target, kind, term)
        fetched = zoom.search(target.host, target.port, target.database, query, syntax=target.record_syntax,
                              encoding=target.encoding, max_records=max_records, timeout=target.timeout)
    hits = []
    for position, record in enumerate(fetched.records, 1):
        try:
            line = brief_line(record)
        except Exception:  # a record odd enough to break the brief display is still worth seeing
            line = str(_l("[no brief display for this record]"))
        hits.append(ExternalHit(brief=line, record=record, target=target, position=position))
    if mark_known and hits:
        _mark_known(hits)
    return ExternalResult(target=target, query=query, total=fetched.total, hits=hits, problems=fetched.problems)


def check_query(query_kind: str, text: str) -> tuple[str, str]:
    if query_kind not in KINDS:
        raise DomainError(_l("Choose what to search by."), "kind")
    term = " ".join((text or "").split())
    if not term:
        raise DomainError(_l("Type what to look for."), "text")
    if len(term) > MAX_TEXT:
        raise DomainError(_l("At most %(n)d characters.", n=MAX_TEXT), "text")
    if query_kind == "isbn":
        digits = isbn_clean(term)
        if len(digits) not in (10, 13) or not digits[:-1].isdigit():
            raise DomainError(_l("That is not an ISBN: give its 10 or 13 digits (hyphens are fine)."), "text")
        term = digits
    return query_kind, term


def cql_query(target: Target, kind: str, term: str) -> str:
    """CQL for an SRU target: `dc.title="the term"` (a bare word stays bare)."""
    index = target.index_for(kind)
    value = _cql_term(term)
    return f"{index}={value}" if index else value


def pqf_query(target: Target, kind: str, term: str) -> str:
    """PQF with a Bib-1 use attribute for a Z39.50 target: `@attr 1=4 "the term"`."""
    return f"@attr 1={int(target.index_for(kind))} {zoom.pqf_term(term)}"


_CQL_WORDS = {"and", "or", "not", "prox", "sortby"}


def _cql_term(term: str) -> str:
    # CQL words need no quotes when they hold no space, quote, parenthesis, relation or slash;
    # everything else goes in double quotes with " and \ escaped. * and ? stay truncation marks.
    if term and all(ch.isalnum() or ch in "-.*?'" for ch in term) and term.lower() not in _CQL_WORDS:
        return term
    return '"' + term.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mark_known(hits: list[ExternalHit]) -> None:
    """Note which hits the union catalogue already holds (same ISBN, active record): the
    cataloguer should copy ours rather than catalogue it again."""
    from app.catalog.extract import extract
    from app.catalog.models import Record, RecordKey

    by_isbn: dict[str, list[ExternalHit]] = {}
    for hit in hits:
        try:
            keys = extract(hit.record).keys
        except Exception:
            continue
        for kind, value in keys:
            if kind == "isbn":
                by_isbn.setdefault(value, []).append(hit)
    if not by_isbn:
        return
    rows = db.session.execute(
        sa.select(RecordKey.value, RecordKey.record_id).join(Record, Record.id == RecordKey.record_id)
        .where(RecordKey.kind == "isbn", RecordKey.value.in_(list(by_isbn)), Record.status == "active")
        .order_by(RecordKey.record_id)
    ).all()
    for value, record_id in rows:
        for hit in by_isbn[value]:
            if record_id not in hit.in_catalogue:
                hit.in_catalogue.append(record_id)


def import_external(actor, hit_record: MarcRecord, library=None):
    """Copy a record found in another catalogue into the actor's drafts (MarcMaker text).

    Only a cataloguer of a member library may, and only for their own library.
    """
    from app.catalog.extract import extract
    from app.catalog.workflow_models import Draft

    library = library if library is not None else getattr(actor, "library", None)
    p.require(COPY_EXTERNAL, actor, library)
    if not isinstance(hit_record, MarcRecord) or not hit_record.fields:
        raise DomainError(_l("There is no record to copy."), "record")
    try:
        text = to_bytes(hit_record, "mrk").decode("utf-8")
    except MarcWriteError as exc:
        raise DomainError(_l("This record cannot be copied: %(why)s", why=Said(exc.message)), "record") from None
    if len(text) > MAX_DRAFT_TEXT:
        raise DomainError(_l("This record is too long for the editor (%(n)d characters at most).",
                             n=MAX_DRAFT_TEXT), "record")
    try:
        title = extract(hit_record).title
    except Exception:
        title = ""
    title = (title or brief_line(hit_record) or "").strip()[:300]
    now = utcnow()
    draft = Draft(user_id=actor.id, library_id=library.id, text=text, title=title, created_at=now, updated_at=now)
    db.session.add(draft)
    db.session.commit()
    return draft


def available_targets() -> list[Target]:
    """The enabled targets that can be asked from this server (Z39.50 needs libyaz)."""
    return [t for t in enabled_targets() if t.protocol == "sru" or zoom.available()]


__all__ = ["ExternalError", "ExternalHit", "ExternalResult", "KIND_LABELS", "KINDS", "available_targets",
           "check_query", "cql_query", "import_external", "pqf_query", "run_search", "search_external"]
