"""CQL (through cql-parser) to our query. Every refusal carries its SRU diagnostic number."""
from __future__ import annotations

import logging
import re
import threading

import cql

# cql-parser logs every syntax error at ERROR level; for us a bad query is a diagnostic, not a fault.
for _name in ("cql.parser", "cql.lexer"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

from .query import And, Not, Or, QueryError, Term

INDEX_MAP = {
    "cql.serverchoice": "keyword", "cql.anywhere": "keyword", "cql.keywords": "keyword",
    "dc.title": "title", "dc.creator": "author", "dc.subject": "subject", "dc.date": "year",
    "dc.publisher": "publisher", "dc.identifier": "isbn",
    "bath.isbn": "isbn", "bath.issn": "issn", "bath.name": "author", "bath.personalname": "author",
    "bath.corporatename": "author", "bath.topicalsubject": "subject", "bath.possessinginstitution": "library",
    "rec.id": "id",
    "bianmu.clc": "clc", "bianmu.lcc": "lcc", "bianmu.class": "class", "bianmu.database": "database",
    "bianmu.language": "language", "bianmu.material": "material", "bianmu.library": "library", "bianmu.region": "region",
    "bianmu.level": "level",
}
CONTEXT_SETS = {"cql", "dc", "bath", "rec", "bianmu"}
RELATION_MAP = {"=": "=", "==": "==", "exact": "==", "adj": "==", "any": "any", "all": "all",
                "<": "<", ">": ">", "<=": "<=", ">=": ">="}
RANGE = {"<", ">", "<=", ">="}
_BAD_MASK = re.compile(r"(^|\s)\*|\*(?=\S)|[?^]")


_local = threading.local()


def _parser():
    """Building the PLY tables costs ~10 ms; parsers are not thread-safe, so one per thread."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        lexer = cql.CQLLexer()
        lexer.build()
        parser = cql.CQLParser12()
        parser.build(lexer)
        _local.parser = parser
    return parser


class CQLError(QueryError):
    """A query SRU must refuse: `code` is the number in info:srw/diagnostic/1/<code>."""

    def __init__(self, code: int, message: str, details: str = ""):
        super().__init__(message)
        self.code, self.details = code, details


def parse(text: str):
    if not (text or "").strip():
        raise CQLError(10, "Query syntax error", "empty query")
    try:
        parsed = _parser().parse(text, tracking=True)
    except Exception as exc:  # cql-parser raises several kinds for bad syntax
        raise CQLError(10, "Query syntax error", str(exc).splitlines()[0][:200]) from None
    if parsed is None or parsed.root is None:
        raise CQLError(10, "Query syntax error", text[:200])
    if getattr(parsed.root, "sortSpecs", None):  # the parser keeps a CQL sortby aside: not silently dropped
        raise CQLError(80, "Sort not supported", " ".join(str(s) for s in parsed.root.sortSpecs)[:200])
    return _node(parsed.root)


def _node(node):
    if isinstance(node, cql.parser.CQLTriple):
        op = str(node.operator.value).lower()
        if node.operator.modifiers:
            raise CQLError(46, "Unsupported boolean modifier", str(node.operator))
        left, right = _node(node.left), _node(node.right)
        if op == "and":
            return And((left, right))
        if op == "or":
            return Or((left, right))
        if op == "not":
            return And((left, Not(right)))
        raise CQLError(37, "Unsupported boolean operator", op)
    return _clause(node)


def _clause(clause):
    term = clause.term
    index = str(clause.index).lower() if clause.index is not None else "cql.serverchoice"
    if "." not in index:
        index = "cql." + index if index in ("serverchoice", "anywhere") else index
    prefix = index.split(".", 1)[0] if "." in index else None
    if prefix is not None and prefix not in CONTEXT_SETS:
        raise CQLError(15, "Unsupported context set", prefix)
    if index not in INDEX_MAP:
        raise CQLError(16, "Unsupported index", str(clause.index))
    relation = "="
    if clause.relation is not None:
        relation = str(clause.relation.comparitor).lower()
        if clause.relation.modifiers:
            raise CQLError(20, "Unsupported relation modifier", str(clause.relation))
    if relation not in RELATION_MAP:
        raise CQLError(19, "Unsupported relation", relation)
    ours = INDEX_MAP[index]
    if relation in RANGE and ours not in ("year", "id"):
        raise CQLError(19, "Unsupported relation", f"{relation} on {clause.index}")
    if not term.strip():
        raise CQLError(27, "Empty term unsupported", "")
    if _BAD_MASK.search(term):
        raise CQLError(28, "Masking character not supported", "only a trailing * is supported")
    if ours == "year" and relation not in RANGE and not term.strip().isdecimal():
        raise CQLError(36, "Term in invalid format for index or relation", term)
    try:
        return Term(ours, term, RELATION_MAP[relation])
    except QueryError as exc:
        raise CQLError(16, "Unsupported index", str(exc)) from None
