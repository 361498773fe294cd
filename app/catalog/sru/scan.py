"""scan: browse the terms of an index in order, each with the number of public records that hold it.

Sources, all read with "WHERE key >= term ORDER BY key LIMIT n" so that an index on the key turns a
scan into a short range read:
- dc.title, dc.creator, dc.publisher (cql.serverChoice scans titles): the derived columns, keyed by
  lower(substr(column, 1, 200));
- dc.date: the year column (index ix_records_year_search, which begins with status and year);
- bath.isbn, bath.issn, bianmu.clc, bianmu.lcc, dc.subject: record_keys (index
  ix_record_keys_kind_value_record); a subject heading is keyed folded (catalog.indexing.subject_key), so
  its terms are shown in lower case.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import sqlalchemy as sa

from app.catalog.indexing import subject_key
from app.catalog.models import Record, RecordKey
from app.catalog.search.cql import CQLError, parse
from app.extensions import db
from app.marc.normalise import isbn_key

from .response import Diagnostic, add_diagnostics, echo, root, sub
from .search import number, public_filter

DEFAULT_TERMS = 20
MAX_TERMS = 100
KEY_LENGTH = 200
COLUMNS = {"title": Record.title, "keyword": Record.title, "author": Record.author, "publisher": Record.publisher}
KEY_KINDS = {"isbn": "isbn", "issn": "issn", "clc": "clc", "lcc": "lcc", "subject": "subject"}
SCANNABLE = tuple(COLUMNS) + tuple(KEY_KINDS) + ("year",)
ECHO_ORDER = ("version", "scanClause", "responsePosition", "maximumTerms", "stylesheet")
_EMPTY_TERM = re.compile(r'^(?P<index>.*?)\s*(?P<rel>==|=|exact)\s*""\s*$', re.IGNORECASE)


def scan(params: dict, version: str) -> ET.Element:
    out = root("scanResponse")
    sub(out, "version", version)
    try:
        terms = _run(params)
    except Diagnostic as diag:
        echo(out, "echoedScanRequest", params, ECHO_ORDER)
        add_diagnostics(out, [diag])
        return out
    if terms:
        holder = sub(out, "terms")
        for value, count, display, where in terms:
            term = sub(holder, "term")
            sub(term, "value", value)
            sub(term, "numberOfRecords", count)
            if display and display != value:
                sub(term, "displayTerm", display)
            sub(term, "whereInList", where)
    echo(out, "echoedScanRequest", params, ECHO_ORDER)
    return out


def parse_clause(clause: str) -> tuple[str, str]:
    """(our index, start term) of a scan clause such as `dc.title = "中国"` or `dc.title = ""`."""
    empty = _EMPTY_TERM.match(clause)
    try:
        if empty:
            term = parse(f'{empty.group("index") or "cql.serverChoice"} {empty.group("rel")} x')
        else:
            term = parse(clause)
    except CQLError as exc:
        raise Diagnostic(exc.code, exc.details, str(exc)) from None
    if not hasattr(term, "index"):  # a boolean combination is not a scan clause
        raise Diagnostic(10, "a scan clause is one index, relation and term")
    if term.relation not in ("=", "=="):
        raise Diagnostic(19, term.relation)
    if term.index not in SCANNABLE:
        raise Diagnostic(16, f"not scannable: {clause.strip()[:100]}")
    return term.index, "" if empty else term.value.strip().rstrip("*").strip()


def _run(params: dict):
    clause = params.get("scanClause")
    if clause is None or not clause.strip():
        raise Diagnostic(7, "scanClause")
    maximum = number(params, "maximumTerms", DEFAULT_TERMS, 0)
    if maximum < 1:
        raise Diagnostic(6, "maximumTerms")
    maximum = min(maximum, MAX_TERMS)
    position = number(params, "responsePosition", 1, 0)
    if position > maximum + 1:
        raise Diagnostic(120, str(position))
    if params.get("stylesheet"):
        raise Diagnostic(110, params["stylesheet"])
    index, term = parse_clause(clause)
    key, display, count, where, join = _source(index)
    start = _start(index, term)

    def query(cmp, order, limit):
        q = sa.select(key.label("k"), count.label("n"), display.label("d"))
        if join is not None:
            q = q.select_from(join)
        return list(db.session.execute(q.where(*where, cmp(key)).group_by(key).order_by(order(key)).limit(limit)))

    before_count = max(position - 1, 0)
    after_count = maximum - before_count
    if start is None:  # an empty term: the index from its beginning
        before, after = [], query(lambda k: sa.true(), sa.asc, after_count + 1)
    else:
        lower = (lambda k: k < start) if position > 0 else (lambda k: k <= start)
        upper = (lambda k: k >= start) if position > 0 else (lambda k: k > start)
        # One term more than shown on each side says whether the list reaches an end of the index.
        before = query(lower, sa.desc, before_count + 1)
        after = query(upper, sa.asc, after_count + 1)
    more_before = len(before) > before_count
    more_after = len(after) > after_count
    rows = list(reversed(before[:before_count])) + after[:after_count]
    terms = []
    for i, (value, n, shown) in enumerate(rows):
        first = i == 0 and not more_before
        last = i == len(rows) - 1 and not more_after
        where_in = "only" if first and last else "first" if first else "last" if last else "inner"
        terms.append((str(value), n, shown if isinstance(shown, str) else None, where_in))
    return terms


def _source(index: str):
    """(key, display, count, conditions, from-clause) of the index to scan."""
    if index in COLUMNS:
        col = COLUMNS[index]
        # Literal arguments, not bound ones, so that an index on exactly this expression is used.
        cut = sa.func.substr(col, sa.literal_column("1"), sa.literal_column(str(KEY_LENGTH)))
        return sa.func.lower(cut), sa.func.min(cut), sa.func.count(), [public_filter(), col != ""], None
    if index == "year":
        return Record.year, sa.null(), sa.func.count(), [public_filter(), Record.year.is_not(None)], None
    join = sa.join(RecordKey, Record, Record.id == RecordKey.record_id)
    return (RecordKey.value, sa.null(), sa.func.count(), [RecordKey.kind == KEY_KINDS[index], public_filter()], join)


def _start(index: str, term: str):
    """The term as the index keys it, or None for the beginning of the index."""
    if term == "":
        return None
    if index in COLUMNS:
        return sa.func.lower(sa.literal(term[:KEY_LENGTH]))
    if index == "year":
        if not term.isdecimal() or len(term) > 9:
            raise Diagnostic(36, term)
        return int(term)
    if index == "subject":
        return subject_key(term)
    if index == "isbn":
        return isbn_key(term) or re.sub(r"[^0-9X]", "", term.upper())
    if index == "issn":
        value = term.upper().replace(" ", "")
        return value[:4] + "-" + value[4:] if len(value) > 4 and "-" not in value else value
    return term.replace(" ", "").upper()
