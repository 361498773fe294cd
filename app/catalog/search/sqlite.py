"""SQLite: an FTS5 table whose tokens are words and single CJK characters (see catalog.tokens), and
after them each column's pairs of adjacent CJK characters (tokens.with_pairs): a two-character query,
the commonest in Chinese, is one token's posting list instead of a phrase of two long ones whose
positions are compared (法律 in titles, found and ranked: 14.9 → 11.5 ms; 经济 NOT 中国: 15.8 → 3.4)."""
import json
import time

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.selectable import Join

from app.catalog.bulk import insert_rows
from app.catalog.models import Record
from app.catalog.tokens import cjk_pair, index_text, with_pairs
from app.extensions import db

from .backend import FTS_COLUMNS, SORT_LIMIT, SearchBackend, StoredTexts, texts_for
from .query import And, Match, Not, Or, skeleton

FTS_TABLE = sa.table("record_fts", sa.column("rowid"), *(sa.column(c) for c in FTS_COLUMNS))

CREATE = ("CREATE VIRTUAL TABLE IF NOT EXISTS record_fts USING fts5("
          + ", ".join(FTS_COLUMNS) + ", tokenize = 'unicode61 remove_diacritics 0')")


# Relevance is the text's: the holdings column (a filter) weighs nothing, or a record held by more of
# a region's libraries would rank higher.
RANK = "-bm25(record_fts, " + ", ".join("0" if c == "holdings" else "1" for c in FTS_COLUMNS) + ")"


# FTS5's own default for `automerge`, the segments of a size it merges into one (load_settings).
DEFAULT_AUTOMERGE = 4


def automerge() -> int:
    """The full-text index's merge setting: FTS5 keeps it in its config table once set."""
    value = db.session.execute(sa.text("SELECT v FROM record_fts_config WHERE k = 'automerge'")).scalar()
    return DEFAULT_AUTOMERGE if value is None else int(value)


def set_automerge(value: int) -> None:
    db.session.execute(sa.text("INSERT INTO record_fts (record_fts, rank) VALUES ('automerge', :v)"),
                       {"v": int(value)})


def fts5_text(text: str) -> str:
    """A piece of a record's text as the full-text table is given it. ASCII text as it is: FTS5's
    unicode61 tokenizer splits and folds it exactly as tokens.index_text does (letters and digits,
    lower case; tests/catalog/test_fts5_tokens.py), in C, where tokenizing it here took a tenth of a
    bulk load's worker time. Other text is tokenized here (single CJK characters, NFKC, diacritics)."""
    return text if text.isascii() else index_text(text)


def _phrase(tokens: list[str]) -> str:
    pair = cjk_pair(tokens)
    if pair is not None:
        return '"' + pair + '"'
    # FTS5 marks only a string's last token as a prefix: a truncation inside the phrase (comput*-science)
    # ends a string there, and `+` joins the strings into one phrase, as PostgreSQL's <-> does.
    parts, words = [], []
    for token in tokens:
        words.append(token.rstrip("*").replace('"', '""'))
        if token.endswith("*"):
            parts.append('"' + " ".join(words) + '" *')
            words = []
    if words:
        parts.append('"' + " ".join(words) + '"')
    return " + ".join(parts)


def fts_expression(column: str, phrases: list[list[str]], mode: str) -> str:
    joiner = " OR " if mode == "any" else " AND "
    return "{" + column + "} : (" + joiner.join(_phrase(p) for p in phrases) + ")"


def fts_query(tree) -> str:
    """One FTS5 expression for a positive full-text tree (FTS5's NOT is binary: `a NOT b`)."""
    if isinstance(tree, Match):
        return fts_expression(tree.column, tree.phrases, tree.mode)
    if isinstance(tree, Or):
        return "(" + " OR ".join(fts_query(i) for i in tree.items) + ")"
    if isinstance(tree, And):
        expr = "(" + " AND ".join(fts_query(i) for i in tree.items if not isinstance(i, Not)) + ")"
        for item in tree.items:
            if isinstance(item, Not):
                expr = "(" + expr + " NOT " + fts_query(item.item) + ")"
        return expr
    raise ValueError(f"not a positive full-text tree: {tree!r}")


def _matches(tree):
    if isinstance(tree, Match):
        return [tree]
    if isinstance(tree, (And, Or)):
        return [m for item in tree.items for m in _matches(item)]
    return []


# How many records hold a term in a column, from FTS5's vocabulary (record_fts_vocab), kept for an
# hour per process: reading a common character's count walks its whole posting list (5 ms for 学 at a
# million records), and counts that change by a few records an hour still judge a query's size.
COUNTS_TTL = 3600.0
COUNTS_KEPT = 20_000
_counts: dict[str, tuple[float, dict[str, int]]] = {}
_records: list = []  # [(when, how many records)]
# Filters beside the text (years, a database) leave an unknown share of its hits: the text must be
# expected this many times past SORT_LIMIT before its hits go unranked. 经济 in all the text, 18,821
# records, and 2000–2010: 4,959 hits; ranked twice over (once in the statement, once by ranks()) it
# took 86 ms instead of 51.
FILTERED_MARGIN = 4
# Up to this many times the limit an expectation is checked by counting (SQLiteBackend.likely_broad).
BORDERLINE = 2


def _term_counts(term: str) -> dict[str, int]:
    """{column: records holding the term there}."""
    now = time.monotonic()
    kept = _counts.get(term)
    if kept is not None and now - kept[0] < COUNTS_TTL:
        return kept[1]
    counts = dict(db.session.execute(sa.text("SELECT col, doc FROM record_fts_vocab WHERE term = :t"),
                                     {"t": term}).all())
    if len(_counts) >= COUNTS_KEPT:
        _counts.clear()
    _counts[term] = (now, counts)  # another thread may clear the dict at any time: `counts` is ours
    return counts


def _record_count() -> int:
    now = time.monotonic()
    kept = _records[0] if _records else None
    if kept is None or now - kept[0] >= COUNTS_TTL:
        kept = (now, db.session.scalar(sa.select(sa.func.max(Record.id))) or 0)
        _records[:] = [kept]
    return kept[1]


def expected_hits(tree, total: int) -> float | None:
    """How many records a positive full-text tree is expected to match, from its terms' counts; None
    where they cannot tell: a word's beginning, a phrase of three or more tokens (the count of its
    rarest token says little of it). A pair of CJK characters is a token of its own, counted exactly;
    a phrase of two words is expected as often as its rarer word; terms joined by AND are taken as
    independent, as PostgreSQL's planner takes them."""
    if isinstance(tree, Match):
        found = []
        for phrase in tree.phrases:
            pair = cjk_pair(phrase)
            if pair is not None:  # a token of its own: its count is the phrase's
                found.append(_term_counts(pair).get(tree.column, 0))
                continue
            if len(phrase) > 2 or any(t.endswith("*") for t in phrase):
                return None
            found.append(min(_term_counts(t).get(tree.column, 0) for t in phrase))
        return sum(found) if tree.mode == "any" else _together(found, total)
    if isinstance(tree, (And, Or)):
        parts = [expected_hits(i, total) for i in tree.items if not isinstance(i, Not)]
        if any(p is None for p in parts):
            return None
        return sum(parts) if isinstance(tree, Or) else _together(parts, total)
    return None


def _together(counts, total: int) -> float:
    estimate = float(total)
    for n in counts:
        estimate *= min(1.0, n / total) if total else 0.0
    return estimate


class _CoveredJoin(Join):
    """record_fts joined to records through the covering index ix_records_search: SQLite otherwise
    reads each hit's table row (2.4 KB of MARC before the year column) where the index entry holds
    everything a search filters on; for 10,001 hits of 学 at a million records, 21 → 7 ms."""

    inherit_cache = True


@compiles(_CoveredJoin, "sqlite")
def _covered_join(join, compiler, **kw):
    text = compiler.visit_join(join, **kw)
    return text.replace(" JOIN records ON ", " JOIN records INDEXED BY ix_records_search ON ", 1)


_FTS_ROWID = sa.literal_column("+record_fts.rowid")


def _before_the_join(condition):
    """`records.id IN (…)` as `+record_fts.rowid IN (…)`, the same rows (the join is on it): tested on
    the full-text row, before the record's index entry is looked up, where SQLite tests a condition on
    records after the join (`+` keeps FTS5 from being asked for each id of the list, which took
    20 s for 4,959 ids)."""
    if (isinstance(condition, BinaryExpression) and condition.operator is operators.in_op
            and isinstance(condition.left, sa.Column) and condition.left.compare(Record.__table__.c.id)):
        return BinaryExpression(_FTS_ROWID, condition.right, operators.in_op)
    return condition


class _RecordsById(Join):
    """`records INDEXED BY ix_records_search`, as a FROM that stands for the records table (a join
    with nothing, which the compiler leaves out): see SQLiteBackend.newest_first."""

    inherit_cache = True

    def __init__(self, table):
        super().__init__(table, sa.table("nothing"), sa.true())


@compiles(_RecordsById, "sqlite")
def _records_by_id(join, compiler, **kw):
    return join.left._compiler_dispatch(compiler, **kw) + " INDEXED BY ix_records_search"


class SQLiteBackend(SearchBackend):
    name = "sqlite-fts5"

    def index(self, record_id, texts):
        self.index_many([(record_id, texts)])

    def index_many(self, rows, fresh=False):
        if not rows:
            return
        rows = [(r, self.stored_texts(texts)) for r, texts in rows]
        if fresh:
            insert_rows(FTS_TABLE, FTS_TABLE.c.keys(), [(r, *(texts[c] for c in FTS_COLUMNS)) for r, texts in rows])
            return
        db.session.execute(sa.text("DELETE FROM record_fts WHERE rowid = :id"), [{"id": r} for r, _ in rows])
        rows = self.with_holdings(rows)
        db.session.execute(
            sa.text("INSERT INTO record_fts (rowid, " + ", ".join(FTS_COLUMNS) + ") VALUES (:id, "
                    + ", ".join(":" + c for c in FTS_COLUMNS) + ")"),
            [{"id": r, **texts} for r, texts in rows])

    @staticmethod
    def stored_texts(texts):
        """Each text column followed by its CJK pairs (the holdings column has none)."""
        if isinstance(texts, StoredTexts):
            return texts
        return StoredTexts({c: t if c == "holdings" else with_pairs(t) for c, t in texts.items()})

    @staticmethod
    def texts_of(extract):
        return SQLiteBackend.stored_texts(texts_for(extract, fts5_text))

    def unindex(self, record_id):
        db.session.execute(sa.text("DELETE FROM record_fts WHERE rowid = :id"), {"id": record_id})

    holdings_update = "UPDATE record_fts SET holdings = :h WHERE rowid = :id"

    def clear(self):
        db.session.execute(sa.text("DELETE FROM record_fts"))

    def compact(self):
        # A load leaves FTS5 a segment a batch, merged only partly as it goes (load_settings); a
        # search reads every segment's postings of its tokens. At a million records the thirteen a
        # load left took 15.6 s to merge, and searches' p95 went 70 → 58-61 ms, p50 16 → 9 (docs/benchmarks.md).
        db.session.execute(sa.text("INSERT INTO record_fts (record_fts) VALUES ('optimize')"))
        db.session.commit()

    def text_ids(self, tree):
        return (sa.text("SELECT rowid FROM record_fts WHERE record_fts MATCH :q")
                .bindparams(sa.bindparam("q", fts_query(tree), unique=True)).columns(sa.column("rowid")))

    def ranked(self, tree, phrases):
        """bm25 of the search's own full-text expression (see ranks)."""
        tree = skeleton(tree)
        if tree is None:
            return None
        return (sa.text("SELECT rowid AS record_id, " + RANK + " AS rank FROM record_fts "
                        "WHERE record_fts MATCH :q")
                .bindparams(sa.bindparam("q", fts_query(tree), unique=True))
                .columns(sa.column("record_id"), sa.column("rank")))

    def ranks(self, tree, phrases, ids):
        """bm25 of the search's own full-text expression (NOTs left out), for the matching rows
        between the least and the greatest id only: ranking by an OR of every word over all the text
        would score every record holding any of them, stop words included."""
        tree = skeleton(tree)
        if tree is None or not ids:
            return {}
        wanted = set(ids)
        rows = db.session.connection().execute(
            sa.text("SELECT rowid, " + RANK + " FROM record_fts WHERE record_fts MATCH :q "
                    "AND rowid BETWEEN :lo AND :hi"), {"q": fts_query(tree), "lo": min(ids), "hi": max(ids)}).all()
        return {rowid: rank for rowid, rank in rows if rowid in wanted}

    def driven(self, text, conditions, *columns, lead=True, hits_only=False):
        """Started from the full-text table, in its rowid order: FTS5 then reads a posting list only as
        far as needed (the first 10,001 hits, the newest 1,000), where `id IN (MATCH …)` reads all of it
        first (148,001 entries for 学 at a million records). `+` keeps the planner from turning the join
        around."""
        if text is None or not lead:
            return super().driven(text, conditions, *columns)
        q = (sa.select(*columns)
             .select_from(_CoveredJoin(sa.table("record_fts"), Record.__table__, sa.text("records.id = +record_fts.rowid")))
             .where(sa.text("record_fts MATCH :q").bindparams(sa.bindparam("q", fts_query(text), unique=True)),
                    *map(_before_the_join, conditions)))
        return q, sa.literal_column("record_fts.rowid")

    def anchored_besides_text(self, node):
        """Never: the full text always leads on SQLite, a key beside it (an ISBN, a class number's
        beginning) being a list each full-text hit is looked up in. Given `id IN (the text's hits) AND
        id IN (the key's records)`, SQLite read all of a common word's hits, looked each up in
        ix_records_search and only then in the key's list, whatever the key: 中国 with one ISBN
        116 ms, with the class F* and from 1990 127 ms (and as much again for the page); led by the
        text and testing the key first, 39 and 67 ms, a rarer word less (history with an ISBN: 89 → 18)."""
        return False

    def rank_column(self, tree, text, phrases, lead):
        """bm25 of the very MATCH that finds the hits, when it holds all of the query's full text
        (a NOT's phrases add nothing to bm25: they occur in none of the hits) and matching it is
        dear — phrases, several terms: ranks() matched 中国文学 with 人民文学出版社 a second time, 46
        of 135 ms. A single word or character is cheap to match again, and its hits are often past
        the ranking limit, where bm25 computed for 10,001 rows would be thrown away."""
        if not lead or text is None or skeleton(tree) != skeleton(text):
            return None
        phrases = [p for m in _matches(skeleton(text)) for p in m.phrases]
        if len(phrases) < 2 and all(len(p) < 2 for p in phrases):
            return None
        if self.likely_broad(text, lead, margin=1 if tree == text else FILTERED_MARGIN):
            return None  # a result past SORT_LIMIT is not ranked: 10,001 ranks would be thrown away
        return sa.literal_column(RANK)

    def likely_broad(self, text, lead, margin: float = 1):
        """From the terms' counts in the full-text index (expected_hits), more than `margin` times
        SORT_LIMIT. bm25 in the statement that finds the hits costs 2–3 µs a hit (10,001 titles with
        历史 at a million records: 29 → 50 ms), wasted when the result is past SORT_LIMIT; a wrong
        guess costs more: ranks() matches the text again and ranks every record it matches between
        the least and the greatest hit. An expectation of a two-word phrase less than twice the
        limit is a guess either way (before CJK pairs were tokens: 医 in 10,266 titles, 中医 in
        3,107), so then its matches are counted, up to the limit (3–7 ms)."""
        if not lead or text is None:
            return False
        text = skeleton(text)
        expected = expected_hits(text, _record_count())
        if expected is None or expected <= margin * SORT_LIMIT:
            return False
        single = isinstance(text, Match) and len(text.phrases) == 1 and len(text.phrases[0]) == 2
        if expected > BORDERLINE * margin * SORT_LIMIT or not single or cjk_pair(text.phrases[0]) is not None:
            return True  # counting a combination (中国 held in a region: 24 ms) costs what it would save
        capped = sa.text("SELECT count(*) FROM (SELECT rowid FROM record_fts WHERE record_fts MATCH :q LIMIT :n)")
        return db.session.scalar(capped, {"q": fts_query(text), "n": int(margin * SORT_LIMIT) + 1}) > margin * SORT_LIMIT

    def newest_first_free(self, text, lead):
        return text is not None and lead

    def newest_first(self, q, id_order, text=None):
        """`id > 0` (true of every record) lets SQLite walk ix_records_search (id first) backwards: a
        large result's newest hits come after a few thousand entries, where SQLite would otherwise take
        every hit of a wide year range from the year index and sort them all (321,626 for 2000–2010
        at a million records; measured at 100k: 1,362 ms before, 0.3 ms with it). Without full text
        the index is named: ix_records_year_search holds all a year range needs, and SQLite, which
        cannot tell a wide range from a narrow one, took it and sorted (2000–2010: 49 ms for the
        1,000 newest, 2 ms walking back)."""
        q = q.where(Record.id > 0).order_by(id_order.desc())
        return q.select_from(_RecordsById(Record.__table__)) if text is None else q

    def ids_in(self, column, ids):
        """One JSON parameter instead of up to 10,000."""
        return column.in_(sa.select(sa.literal_column("value"))
                          .select_from(sa.func.json_each(sa.bindparam(None, json.dumps(list(ids))))))
