"""searchRetrieve: CQL through `catalog.search.cql`, run by the catalogue's search backend.

The public catalogue is searched: bibliographic records whose status is "active".
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

import sqlalchemy as sa
from flask import current_app

from app.catalog.models import Record
from app.catalog.search import QueryError, backend
from app.catalog.search.cql import CQLError, parse
from app.catalog.services import marc_of
from app.extensions import db
from app.marc.io.marcxml import MARC_XML_NS, record_element

from .dc import DC_SCHEMA, dc_element
from .response import (DIAGNOSTIC_SCHEMA, Diagnostic, add_diagnostics, add_record_data, diagnostic_element, echo,
                       root, sub)

DEFAULT_RECORDS = 10
MAX_RECORDS = 100
MAX_START = 2_000_000_000  # SQL OFFSET is a 32/64-bit integer; no result is this long
MARCXML_SCHEMA = "info:srw/schema/1/marcxml-v1.1"
# Accepted recordSchema values (short names and URIs) → the schema answered.
SCHEMAS = {
    "marcxml": MARCXML_SCHEMA, "marc21": MARCXML_SCHEMA, MARCXML_SCHEMA: MARCXML_SCHEMA,
    "info:srw/schema/1/marcxml-v1.2": MARCXML_SCHEMA, "http://www.loc.gov/MARC21/slim": MARCXML_SCHEMA,
    "dc": DC_SCHEMA, DC_SCHEMA: DC_SCHEMA,
}
SCHEMA_NAMES = {MARCXML_SCHEMA: "marcxml", DC_SCHEMA: "dc"}
DEFAULT_SCHEMA = MARCXML_SCHEMA
PACKINGS = ("xml", "string")
ECHO_ORDER = ("version", "query", "startRecord", "maximumRecords", "recordPacking", "recordSchema",
              "resultSetTTL", "sortKeys", "stylesheet")


def public_filter():
    return sa.and_(Record.kind == "bibliographic", Record.status == "active")


def number(params: dict, name: str, default: int, minimum: int) -> int:
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    text = str(raw).strip()
    # isdecimal: what int() reads ('²' passes isdigit() and then failed int(): diagnostic 1, not 6).
    if not text.isdecimal():
        raise Diagnostic(6, name)
    value = int(text) if len(text) <= 100 else 10**100  # int() refuses thousands of digits; as large
    if value < minimum:
        raise Diagnostic(6, name)
    return value


def packing_of(params: dict) -> str:
    packing = (params.get("recordPacking") or "xml").strip()
    if packing not in PACKINGS:
        raise Diagnostic(71, packing)
    return packing


def search_retrieve(params: dict, version: str) -> ET.Element:
    out = root("searchRetrieveResponse")
    sub(out, "version", version)
    count_el = sub(out, "numberOfRecords", 0)
    try:
        records, total, next_position = _run(params)
    except Diagnostic as diag:
        count_el.text = str(getattr(diag, "total", 0))  # 61 still says how many records there are
        echo(out, "echoedSearchRetrieveRequest", params, ECHO_ORDER)
        add_diagnostics(out, [diag])
        return out
    count_el.text = str(total)
    if records is not None:
        out.append(records)
    if next_position:
        sub(out, "nextRecordPosition", next_position)
    echo(out, "echoedSearchRetrieveRequest", params, ECHO_ORDER)
    return out


def _run(params: dict):
    query = params.get("query")
    if query is None or not query.strip():
        raise Diagnostic(7, "query")
    start = number(params, "startRecord", 1, 1)
    maximum = min(number(params, "maximumRecords", DEFAULT_RECORDS, 0), MAX_RECORDS)
    packing = packing_of(params)
    schema_name = (params.get("recordSchema") or "").strip()
    # Short names are matched without regard to case, URIs exactly.
    schema = SCHEMAS.get(schema_name if ":" in schema_name else schema_name.lower()) if schema_name else DEFAULT_SCHEMA
    if schema is None:
        raise Diagnostic(66, schema_name)
    if params.get("sortKeys"):
        raise Diagnostic(80, params["sortKeys"])
    if params.get("stylesheet"):
        raise Diagnostic(110, params["stylesheet"])
    if params.get("resultSetTTL") and not str(params["resultSetTTL"]).strip().isdecimal():
        raise Diagnostic(6, "resultSetTTL")
    try:
        node = parse(query)
    except CQLError as exc:
        raise Diagnostic(exc.code, exc.details, str(exc)) from None

    offset = start - 1
    if start > MAX_START:  # beyond any result (and beyond SQL's OFFSET): count only, then diagnostic 61
        maximum = 0
    try:
        if maximum == 0:
            # Only the count: no relevance ranking wanted.
            total, ids = backend().search(node, 1, 1, sort="date", facets=(), base_filter=public_filter(), exact_count=True).total, []
        else:
            total, ids = _page(node, offset, maximum)
    except QueryError as exc:
        code = 27 if "empty" in str(exc) else 36
        raise Diagnostic(code, str(exc)) from None
    if (maximum or start > MAX_START) and start > 1 and start > total:
        diag = Diagnostic(61, str(start))
        diag.total = total
        raise diag
    if maximum == 0:
        return None, total, None

    rows = {r.id: r for r in db.session.scalars(sa.select(Record).where(Record.id.in_(ids)))}
    records = ET.Element("srw:records")
    position = start
    for record_id in ids:
        row = rows.get(record_id)
        el = sub(records, "record")
        _render(el, row, schema, packing)
        sub(el, "recordPosition", position)
        position += 1
    next_position = position if position <= total else None
    return (records if ids else None), total, next_position


def _page(node, offset: int, size: int) -> tuple[int, list[int]]:
    """Records offset .. offset+size-1 through the backend's page interface (one or two pages)."""
    engine, flt = backend(), public_filter()
    page = offset // size + 1
    skip = offset % size
    first = engine.search(node, page, size, facets=(), base_filter=flt, exact_count=True)
    ids = first.ids[skip:]
    if skip and len(first.ids) == size and first.total > page * size:
        ids += engine.search(node, page + 1, size, facets=(), base_filter=flt, exact_count=True).ids[: skip]
    return first.total, ids


def _render(el: ET.Element, row: Record | None, schema: str, packing: str) -> None:
    """The record in the schema asked for, or a surrogate diagnostic if it cannot be given."""
    try:
        if row is None:
            raise Diagnostic(64, "the record was withdrawn while being retrieved")
        marc = marc_of(row)
        if schema == DC_SCHEMA:
            payload = dc_element(marc)
        else:
            payload = record_element(marc)
            payload.set("xmlns", MARC_XML_NS)
    except Diagnostic as diag:
        add_record_data(el, DIAGNOSTIC_SCHEMA, packing, diagnostic_element(diag))
        return
    except Exception:  # one damaged record must not spoil the page: a surrogate diagnostic
        current_app.logger.exception("SRU: record %s cannot be given as %s", row.id, schema)
        add_record_data(el, DIAGNOSTIC_SCHEMA, packing, diagnostic_element(Diagnostic(67, f"record {row.id}")))
        return
    add_record_data(el, schema, packing, payload)
