"""The OPAC's search form as data: request arguments in, a query AST and field errors out.

A pure function over a mapping of strings (request.args, or a dict in a test), so that every rule
of the form is tested without a request:

    rows      i1/q1, b2/i2/q2, b3/i3/q3: up to three [index, text] rows joined left to right by
              and / or / not ("not" means "and not"), e.g. ((row1 AND row2) NOT row3)
    filters   database, material, library (code), region (code), year (one year, from a facet),
              year_from / year_to (a range)
    order     sort = relevance | date | title; page; per_page = 10 | 20 | 50

A value the engine would refuse (an ISBN with a wrong check digit, a year that is not a number)
becomes a message for its field instead of a search.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.catalog.languages import LANGUAGE_CODE
from app.catalog.models import DATABASES, MATERIALS
from app.catalog.search import And, Not, Or, Term
from app.catalog.search.query import TEXT_INDEXES
from app.catalog.tokens import query_terms
from app.marc.normalise import isbn_key

ROWS = 3
INDEXES = ("keyword", "title", "author", "subject", "publisher", "isbn", "issn", "class", "clc", "lcc",
           "year", "id")
INDEX_LABELS = {
    "keyword": _l("Keyword"),
    "title": _l("Title"),
    "author": _l("Author"),
    "subject": _l("Subject"),
    "publisher": _l("Publisher"),
    "isbn": _l("ISBN"),
    "issn": _l("ISSN"),
    "class": _l("Class number (CLC or LC)"),
    "clc": _l("CLC number"),
    "lcc": _l("LC class number"),
    "year": _l("Year"),
    "id": _l("Record number"),
}
BOOLEANS = ("and", "or", "not")
BOOLEAN_LABELS = {"and": _l("AND"), "or": _l("OR"), "not": _l("NOT")}
SORTS = ("relevance", "date", "title")
SORT_LABELS = {"relevance": _l("Relevance"), "date": _l("Newest first"), "title": _l("Title")}
PER_PAGE = (10, 20, 50)
MAX_PAGE = 1000  # deep paging helps nobody and costs an OFFSET scan; refine the search instead
MAX_TEXT = 200
YEAR_MIN, YEAR_MAX = 1000, 2100

_ISSN = re.compile(r"^(\d{4})-?(\d{3})([\dXx])$")
_YEAR_RANGE = re.compile(r"^(\d{1,4})\s*[-–—~]\s*(\d{1,4})$")
_YEAR_RELATION = re.compile(r"^(<=|>=|<|>|=)?\s*(\d{1,4})$")
_CLASS = re.compile(r"^[0-9A-Za-z.\-/()=+:\"<>\[\]]+\*?$")


@dataclass
class Row:
    index: str
    text: str
    op: str  # how this row joins the ones before it (ignored for the first one that is filled)


@dataclass
class ParsedQuery:
    node: object | None = None
    errors: dict[str, str] = field(default_factory=dict)  # form field -> message
    rows: list[Row] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)  # only those that are set
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    extra: bool = False  # the page added a filter of its own (a regional centre's "held here")

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_criteria(self) -> bool:
        """Whether the reader asked for anything; an empty form shows no result list."""
        return any(r.text for r in self.rows) or bool(self.filters) or self.extra

    @property
    def has_text(self) -> bool:
        return any(r.text and r.index in TEXT_INDEXES for r in self.rows)


def parse(args, extra: list | None = None) -> ParsedQuery:
    """Read the form. `extra` are nodes the page adds itself (a regional centre's own filter)."""
    out = ParsedQuery()
    nodes_for_rows = []
    for n in range(1, ROWS + 1):
        index = _get(args, f"i{n}") or "keyword"
        text = _get(args, f"q{n}")
        op = _get(args, f"b{n}") or "and"
        if index not in INDEXES:
            out.errors[f"i{n}"] = str(_l("Choose a field to search in."))
            index = "keyword"
        if op not in BOOLEANS:
            out.errors[f"b{n}"] = str(_l("Choose AND, OR or NOT."))
            op = "and"
        row = Row(index, text, op)
        out.rows.append(row)
        if not text:
            continue
        if len(text) > MAX_TEXT:
            out.errors[f"q{n}"] = str(_l("Search terms can be at most %(n)d characters long.", n=MAX_TEXT))
            continue
        try:
            node = row_node(index, text)
        except _FieldError as err:
            out.errors[f"q{n}"] = err.message
            continue
        nodes_for_rows.append((op, node))

    combined = None
    for op, node in nodes_for_rows:
        if combined is None:
            combined = Not(node) if op == "not" else node
        elif op == "and":
            combined = _and(combined, node)
        elif op == "or":
            combined = Or((combined, node))
        else:
            combined = _and(combined, Not(node))

    filters = []
    for name, allowed in (("database", DATABASES), ("material", MATERIALS)):
        value = _get(args, name)
        if value:
            if value in allowed:
                out.filters[name] = value
                filters.append(Term(name, value))
            else:
                out.errors[name] = str(_l("Choose one of the listed values."))
    language = _get(args, "language").lower()
    if language:
        if LANGUAGE_CODE.fullmatch(language):
            out.filters["language"] = language
            filters.append(Term("language", language))
        else:
            out.errors["language"] = str(_l("A language is a three-letter MARC code such as chi or eng."))
    for name in ("library", "region"):
        value = _get(args, name).upper()
        if value:
            if re.fullmatch(r"[A-Z0-9\-_]{1,20}", value):
                out.filters[name] = value
                filters.append(Term(name, value))
            else:
                out.errors[name] = str(_l("Not a library or region code."))
    year_nodes = _year_filters(args, out)
    filters.extend(year_nodes)

    out.extra = bool(extra)
    out.node = _all([combined, *filters, *(extra or [])])

    sort = _get(args, "sort")
    if sort in SORTS:
        out.sort = sort
    else:
        out.sort = "relevance" if out.has_text else "date"
    if out.sort == "relevance" and not out.has_text:
        out.sort = "date"  # nothing to rank by: newest first
    out.per_page = _int(_get(args, "per_page"), 20)
    if out.per_page not in PER_PAGE:
        out.per_page = 20
    out.page = min(max(_int(_get(args, "page"), 1), 1), MAX_PAGE)
    return out


class _FieldError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def row_node(index: str, text: str):
    """One row of the form as a query node; raises _FieldError with a message for the reader."""
    text = text.strip()
    if index in TEXT_INDEXES:
        if not query_terms(text):
            raise _FieldError(_l("Enter a word or at least one Chinese character."))
        return Term(index, text)
    if index == "isbn":
        if not isbn_key(text):
            raise _FieldError(_l("This is not a valid ISBN: give 10 or 13 digits with a correct check digit "
                                 "(hyphens are allowed)."))
        return Term("isbn", text)
    if index == "issn":
        m = _ISSN.match(text.replace(" ", ""))
        if not m or not _issn_ok(m.group(1) + m.group(2) + m.group(3).upper()):
            raise _FieldError(_l("This is not a valid ISSN: give 8 characters such as 1000-0135."))
        return Term("issn", f"{m.group(1)}-{m.group(2)}{m.group(3).upper()}")
    if index in ("class", "clc", "lcc"):
        value = text.replace(" ", "")
        if not value.rstrip("*") or not _CLASS.match(value):
            raise _FieldError(_l("Give a class number such as TP311.13, or its beginning followed by * "
                                 "(TP3*)."))
        return Term(index, value)
    if index == "year":
        return _year_node(text)
    if index == "id":
        ids = text.replace(",", " ").split()
        if not ids or not all(i.isdecimal() and len(i) <= 12 for i in ids):
            raise _FieldError(_l("A record number is a whole number."))
        terms = [Term("id", str(int(i))) for i in ids]
        return terms[0] if len(terms) == 1 else Or(tuple(terms))
    raise _FieldError(_l("Choose a field to search in."))


def _year_node(text: str):
    m = _YEAR_RANGE.match(text)
    if m:
        low, high = _year(m.group(1)), _year(m.group(2))
        if low > high:
            low, high = high, low
        return And((Term("year", str(low), ">="), Term("year", str(high), "<=")))
    m = _YEAR_RELATION.match(text)
    if m:
        relation = m.group(1) or "="
        return Term("year", str(_year(m.group(2))), relation)
    raise _FieldError(_l("Give a year such as 2015, a range such as 2010-2015, or >2010."))


def _year(text: str) -> int:
    value = int(text) if len(text) <= 9 else YEAR_MAX + 1  # int() refuses thousands of digits
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise _FieldError(_l("Give a year between %(low)d and %(high)d.", low=YEAR_MIN, high=YEAR_MAX))
    return value


def _year_filters(args, out: ParsedQuery) -> list:
    nodes = []
    for name, relation in (("year", "="), ("year_from", ">="), ("year_to", "<=")):
        value = _get(args, name)
        if not value:
            continue
        try:
            if not value.isdecimal():  # what int() reads: not '²', which isdigit() lets by
                raise _FieldError(_l("A year is a number such as 2015."))
            year = _year(value)
        except _FieldError as err:
            out.errors[name] = err.message
            continue
        out.filters[name] = str(year)
        nodes.append(Term("year", str(year), relation))
    return nodes


def _issn_ok(chars: str) -> bool:
    total = sum((8 - i) * int(c) for i, c in enumerate(chars[:7]))
    check = (11 - total % 11) % 11
    return chars[7] == ("X" if check == 10 else str(check))


def _and(left, right):
    items = left.items if isinstance(left, And) else (left,)
    return And((*items, right))


def _all(nodes):
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    flat = []
    for n in nodes:
        flat.extend(n.items if isinstance(n, And) else (n,))
    return And(tuple(flat))


def _get(args, name: str) -> str:
    value = args.get(name)
    return value.strip() if isinstance(value, str) else ""


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default
