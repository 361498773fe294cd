"""PostgreSQL: tsvector columns with GIN indexes, built from our own tokens.

The vectors and queries are written as tsvector/tsquery literals instead of going through
to_tsvector, because the text-search parser's idea of a letter depends on the server's locale, and
a C-locale server would drop every Chinese character.

Besides each CJK character, a vector holds every pair of adjacent characters as a token of its own,
at the first one's position (学习 → 学:1 学习:1 习:2). A query's run of Chinese characters is then
covered by pairs (经济学 → 经济 <-> 济学): a two-character query is one GIN key with a short posting
list, where the phrase of two single characters intersected two long ones (学, 中) and re-read every
candidate's vector to compare positions. The matches are the same: a pair is only ever indexed where
the two characters are adjacent, as the phrase requires.
"""
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from operator import itemgetter

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BooleanClauseList
from sqlalchemy.sql.selectable import FromClause, SelectBase

from app.catalog.bulk import insert_rows
from app.catalog.models import Record, RecordKey
from app.catalog.tokens import has_cjk, is_cjk
from app.extensions import db

from .backend import FTS_COLUMNS, SORT_LIMIT, SearchBackend, StoredTexts, _rows, texts_for
from .query import And, Match, Not, Or

# Collations that sort by code point, where a class number's beginning is a range of the index.
CODEPOINT_COLLATIONS = {"C", "POSIX", "C.UTF-8", "C.utf8", "ucs_basic"}
_collation_checked: dict[str, bool] = {}

MAX_POSITION = 16383
SEARCH_WORK_MEM = "64MB"
# A single token the planner expects this many hits of has more than SORT_LIMIT (10,000) beyond
# reasonable doubt: its estimate is the token's own frequency in a sample of 300,000 rows (statistics
# target 1,000, migration a7f6c0de0011), within about 2 % at this size — 10 % is five standard errors.
# Measured at a million records: 化 estimated 13,895 (14,710 hits), 经济 in titles 12,062 (12,040).
# A word's beginning (hist*) is estimated as the sum of the frequencies of the words it matches,
# which counts a record twice when it holds two of them (educat*: 25,670 for 23,316): twice the limit.
BROAD_ESTIMATE = 11_000
BROAD_ESTIMATE_PREFIX = 20_000
# The newest hits of a large result are looked for among the newest ids first: this many times the
# ids that should hold them, judged by the planner's estimate of the hits (see newest_rows); unless
# walking back through that many rows is cheap anyway (the page of a result without facets).
NEWEST_MARGIN = 2
NEWEST_WALK = 5_000
# Threads per process reading a large result's newest hits on a second connection while the first
# counts them (newest_ahead); a gunicorn worker serves one request at a time.
AHEAD_THREADS = 2
# Not worth a second connection below this many rows: a page alone (20) is a short walk back from
# the newest ids (philosoph*: 1.7 ms); the facet sample's 1,000 are what cost (16 ms).
AHEAD_ROWS = 100


def _escaped(token: str) -> str:
    return token.replace("\\", "\\\\").replace("'", "''") if "'" in token or "\\" in token else token


def _quote(token: str) -> str:
    return "'" + _escaped(token) + "'"


# What follows the token at position i in a literal: its position and the next token's opening quote.
_ENDS = [f"':{i} '" for i in range(1, MAX_POSITION + 1)]


def tsvector_literal(text: str) -> str:
    return vector_literal(text.split(), text)


def vector_literal(tokens: list[str], text: str | None = None) -> str:
    """The tokens at their positions, and each pair of adjacent CJK characters at the first one's.

    A token that occurs more than once is written once at each of its positions, and PostgreSQL's
    input merges them, as it sorts the entries, into the one entry with all its positions (the
    first 256 kept; a property test compares the stored vectors with those of merged literals).
    Merging them here cost the importer's workers 60–70 µs of the 90–130 a record's six vectors
    took (docs/benchmarks.md). `text`: the tokens' text, when the caller has it."""
    if not tokens:
        return ""
    if text is None:
        text = " ".join(tokens)
    if len(text) > MERGE_ABOVE:
        return _merged_literal(tokens)
    n = len(tokens)
    ends = _ENDS if n <= MAX_POSITION else _ENDS + [_ENDS[-1]] * (n - MAX_POSITION)  # PostgreSQL's last position
    quoted = map(_escaped, tokens) if "'" in text or "\\" in text else tokens
    out = "'" + "".join(map(str.__add__, quoted, ends))[:-2]
    pairs = _pairs(tokens) if has_cjk(text) else []
    return out + " " + " ".join(f"'{pair}':{at}" for pair, at in pairs) if pairs else out


def _pairs(tokens: list[str]) -> list[tuple[str, int]]:
    """Each pair of adjacent CJK tokens (single characters: tokens.py) at the first one's position."""
    pairs, previous = [], -2
    for i, token in enumerate(tokens, start=1):
        if len(token) == 1 and token >= "\u2e80" and is_cjk(token):
            if previous == i - 1:
                pairs.append((tokens[i - 2] + token, min(i - 1, MAX_POSITION)))
            previous = i
    return pairs


# PostgreSQL's input takes at most 1 MB of a literal's lexemes, counted before it merges a token's
# entries (a CJK character is 3 bytes, and 6 more in its pair: 9 a character at most). A text longer
# than this many characters (no ISO 2709 record's can be; a large MARCXML one might) has each token
# written once, its positions merged here.
MERGE_ABOVE = 100_000


def _merged_literal(tokens: list[str]) -> str:
    positions: dict[str, list[int]] = {}
    for at, token in enumerate(tokens, start=1):
        positions.setdefault(token, []).append(min(at, MAX_POSITION))
    for pair, at in _pairs(tokens):
        positions.setdefault(pair, []).append(at)
    return " ".join(f"{_quote(t)}:{','.join(map(str, sorted(p)[:256]))}" for t, p in positions.items())


def phrase_items(tokens: list[str]) -> list[tuple[str, int]]:
    """(token, offset) of a query phrase: each run of CJK characters covered by adjacent pairs
    (the last pair overlapping the one before when the run is odd), other tokens as they are."""
    out, i, n = [], 0, len(tokens)
    while i < n:
        if not is_cjk(tokens[i]):
            out.append((tokens[i], i))
            i += 1
            continue
        j = i
        while j < n and is_cjk(tokens[j]):
            j += 1
        if j - i == 1:
            out.append((tokens[i], i))
        else:
            starts = list(range(i, j - 1, 2))
            if starts[-1] != j - 2:
                starts.append(j - 2)
            out.extend((tokens[s] + tokens[s + 1], s) for s in starts)
        i = j
    return out


def _phrase(tokens: list[str]) -> str:
    items = phrase_items(tokens)
    text, last = "", None
    for token, offset in items:
        if last is not None:
            text += " <-> " if offset - last == 1 else f" <{offset - last}> "
        text += _quote(token.rstrip("*")) + (":*" if token.endswith("*") else "")
        last = offset
    return "(" + text + ")"


def tsquery_literal(phrases: list[list[str]], mode: str) -> str:
    return (" | " if mode == "any" else " & ").join(_phrase(p) for p in phrases)


def ts_condition(tree, params: dict) -> str:
    """A positive full-text tree as one condition on a record_search row; its tsqueries go in params."""
    if isinstance(tree, Match):
        assert tree.column in FTS_COLUMNS
        name = f"q{len(params)}"
        params[name] = tsquery_literal(tree.phrases, tree.mode)
        return f"record_search.{tree.column} @@ CAST(:{name} AS tsquery)"
    if isinstance(tree, Or):
        return "(" + " OR ".join(ts_condition(i, params) for i in tree.items) + ")"
    if isinstance(tree, And):
        return "(" + " AND ".join(("NOT " + ts_condition(i.item, params)) if isinstance(i, Not)
                                  else ts_condition(i, params) for i in tree.items) + ")"
    raise ValueError(f"not a positive full-text tree: {tree!r}")


# The records columns a search filters and orders on, copied into record_search and kept in step by
# triggers (migration a7h8c0de0013); records.id is record_search.record_id.
COPIED = {"status": sa.String, "kind": sa.String, "year": sa.Integer, "database": sa.String,
          "material": sa.String, "level": sa.String, "format": sa.String}
SEARCH = sa.table("record_search", sa.column("record_id", sa.Integer), *(sa.column(n, t) for n, t in COPIED.items()))
SEARCH_TEXT = sa.table("record_search", sa.column("record_id"), *(sa.column(c) for c in FTS_COLUMNS))


def on_search_row(expressions):
    """The expressions with the records columns replaced by record_search's copies; None when one
    needs a column that is not copied."""
    return _on_copies(expressions, {("id" if name == "record_id" else name): column
                                    for name, column in SEARCH.c.items()})


# The records columns copied beside each record key, as record_<name>, and kept in step by triggers
# (migration a7n4c0de0019): what the OPAC's filter, a year range and the facets of a search by a
# class number's beginning need, included in the key index so that such a search reads it alone.
KEY_COPIED = {"status": sa.String, "kind": sa.String, "year": sa.Integer, "database": sa.String,
              "material": sa.String}


KEY_ROWS = sa.Table("record_keys", sa.MetaData(), sa.Column("record_id", sa.Integer), sa.Column("kind", sa.String),
                    sa.Column("value", sa.String), *(sa.Column(f"record_{n}", t) for n, t in KEY_COPIED.items()))


def on_key_row(expressions):
    """The expressions with the records columns replaced by record_keys' copies; None when one needs
    a column that is not copied."""
    keys = RecordKey.__table__
    copies = {name: sa.literal_column(f"record_keys.record_{name}", kind()) for name, kind in KEY_COPIED.items()}
    return _on_copies(expressions, {"id": keys.c.record_id, **copies})


def _on_copies(expressions, copies: dict):
    """`copies`: records column name → its copy. A sub-query is left as it is: it has its own FROM."""
    records = Record.__table__
    missing = []

    def replace(element):
        if isinstance(element, (SelectBase, FromClause)):
            return element
        if isinstance(element, sa.Column) and element.table is records:
            if element.name in copies:
                return copies[element.name]
            missing.append(element.name)
        return None

    out = [visitors.replacement_traverse(getattr(e, "__clause_element__", lambda: e)(), {}, replace)
           for e in expressions]  # an ORM attribute (Record.id) as its column
    return None if missing else out


def _key_where(condition):
    """The WHERE of `records.id IN (SELECT record_keys.record_id FROM record_keys WHERE …)`, a key
    term as Compiler._keys makes it; None for any other condition."""
    keys = RecordKey.__table__
    left = getattr(condition, "left", None)
    if getattr(condition, "operator", None) is not operators.in_op or getattr(left, "table", None) is not \
            Record.__table__ or left.name != "id":
        return None
    sub = getattr(condition.right, "element", None)
    if not isinstance(sub, sa.Select) or not _reads_keys_alone(sub) or sub._limit_clause is not None \
            or sub._distinct or sub._group_by_clauses:
        return None
    selected = list(sub.selected_columns)
    if len(selected) != 1 or getattr(selected[0], "table", None) is not keys or selected[0].name != "record_id":
        return None
    return sub.whereclause


def _reads_keys_alone(q) -> bool:
    """Whether a SELECT reads record_keys and nothing else: its columns' and its conditions' tables
    (Select.get_final_froms compiles the statement: a millisecond a call)."""
    keys = RecordKey.__table__
    if q.columns_clause_froms != [keys] or q.whereclause is None or q._from_obj:
        return False
    return all(e.table is keys for e in visitors.iterate(q.whereclause) if isinstance(e, sa.Column))


def _exact_key(where) -> bool:
    """Whether a condition looks one key value up (an ISBN, an ISSN, a whole class number), anywhere
    in it: a handful of records, where the plain path is as fast and no estimate is worth asking."""
    keys = RecordKey.__table__
    return where is not None and any(
        getattr(e, "operator", None) is operators.eq and getattr(getattr(e, "left", None), "table", None) is keys
        and e.left.name == "value" for e in visitors.iterate(where))


def _conjuncts(conditions) -> list:
    """The conditions with their top-level ANDs taken apart."""
    out = []
    for c in conditions:
        c = getattr(c, "__clause_element__", lambda: c)()
        if isinstance(c, BooleanClauseList) and c.operator is operators.and_:
            out.extend(_conjuncts(c.clauses))
        else:
            out.append(c)
    return out


def _has_subquery(condition) -> bool:
    return any(isinstance(e, SelectBase) for e in visitors.iterate(condition))


def _one_token(text) -> bool:
    """A single token: a character, a pair, a word or a word's beginning (`hist*`)."""
    return isinstance(text, Match) and len(text.phrases) == 1 and len(phrase_items(list(text.phrases[0]))) == 1


def _prefix(text) -> bool:
    return text.phrases[0][0].endswith("*")


def _plan_rows(sql: str, params: dict, driver: bool = False) -> float:
    explain = "EXPLAIN (FORMAT JSON) " + sql
    conn = db.session.connection()
    plan = (conn.exec_driver_sql(explain, params) if driver else conn.execute(sa.text(explain), params)).scalar()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


_ahead: dict[int, tuple[ThreadPoolExecutor, threading.BoundedSemaphore]] = {}


def _ahead_thread(job, *args):
    """Run job(*args) in one of this process's threads for newest_ahead, if one is idle: a job
    queued behind other searches' would make this one wait longer than reading the rows itself.
    Threads do not survive a fork (gunicorn's workers, the importer's): one pool per process."""
    pid = os.getpid()
    if pid not in _ahead:
        _ahead.clear()
        _ahead[pid] = (ThreadPoolExecutor(max_workers=AHEAD_THREADS, thread_name_prefix="search-ahead"),
                       threading.BoundedSemaphore(AHEAD_THREADS))
    threads, idle = _ahead[pid]
    if not idle.acquire(blocking=False):
        return None

    def run():
        try:
            return job(*args)
        finally:
            idle.release()

    return threads.submit(run)


def _compiled(q) -> tuple[str, dict, bool]:
    """A statement as _plan_rows takes it: the driver's SQL and parameters, IN lists expanded."""
    compiled = q.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    return str(compiled), compiled.params, True


class PostgresBackend(SearchBackend):
    name = "postgresql-tsvector"

    def index(self, record_id, texts):
        self.index_many([(record_id, texts)])

    def index_many(self, rows, fresh=False):
        if not rows:
            return
        if fresh:
            insert_rows(SEARCH_TEXT, SEARCH_TEXT.c.keys(),
                        [(r, *map(self.stored_texts(texts).__getitem__, FTS_COLUMNS)) for r, texts in rows])
            return
        rows = self.with_holdings(rows)
        cols = ", ".join(FTS_COLUMNS)
        values = ", ".join(f"CAST(:{c} AS tsvector)" for c in FTS_COLUMNS)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in FTS_COLUMNS)
        db.session.execute(
            sa.text(f"INSERT INTO record_search (record_id, {cols}) VALUES (:id, {values}) "
                    f"ON CONFLICT (record_id) DO UPDATE SET {updates}"),
            [{"id": r, **{c: tsvector_literal(texts[c]) for c in FTS_COLUMNS}} for r, texts in rows])

    @staticmethod
    def stored_texts(texts):
        if isinstance(texts, StoredTexts):
            return texts
        return StoredTexts({c: tsvector_literal(t) for c, t in texts.items()})

    @staticmethod
    def texts_of(extract):
        return PostgresBackend.stored_texts(texts_for(extract))

    def key_rows(self, rows):
        copied = itemgetter(*KEY_COPIED)
        return KEY_ROWS, tuple(KEY_ROWS.c.keys()), [(*row[:3], *copied(row[3])) for row in rows]

    def unindex(self, record_id):
        db.session.execute(sa.text("DELETE FROM record_search WHERE record_id = :id"), {"id": record_id})

    def clear(self):
        db.session.execute(sa.text("DELETE FROM record_search"))

    holdings_update = "UPDATE record_search SET holdings = CAST(:h AS tsvector) WHERE record_id = :id"

    def holdings_value(self, text):
        return tsvector_literal(text)

    def text_ids(self, tree):
        params: dict = {}
        where = ts_condition(tree, params)
        return (sa.text(f"SELECT record_id FROM record_search WHERE {where}")
                .bindparams(*[sa.bindparam(k, v, unique=True) for k, v in params.items()])
                .columns(sa.column("record_id")))

    def driven(self, text, conditions, *columns, lead=True, hits_only=False):
        """Joined with record_search rather than `id IN (…)`, so that for a frequent word the planner
        can walk record_search backwards for the newest hits and stop, instead of collecting them all.

        `hits_only`: from record_search alone when the columns and conditions need only the records
        columns copied there (migration a7h8c0de0013): the row read for each hit holds them, where
        the join looked each hit up in the records table again. Without full text, a key term (a
        class number's beginning) with conditions on the copied columns is answered from the key
        index alone (key_driven)."""
        if text is None and hits_only and (keyed := self.key_driven(conditions, columns)) is not None:
            return keyed
        if text is None or not lead:
            return super().driven(text, conditions, *columns)
        params: dict = {}
        match = sa.text(ts_condition(text, params)).bindparams(
            *[sa.bindparam(k, v, unique=True) for k, v in params.items()])
        if hits_only and (alone := on_search_row([*columns, *conditions])) is not None:
            return sa.select(*alone[:len(columns)]).select_from(SEARCH).where(match, *alone[len(columns):]), \
                SEARCH.c.record_id
        q = (sa.select(*columns).select_from(sa.join(SEARCH, Record.__table__, Record.id == SEARCH.c.record_id))
             .where(match, *conditions))
        return q, SEARCH.c.record_id

    def key_driven(self, conditions, columns):
        """(SELECT DISTINCT columns FROM record_keys WHERE the key's conditions and the others on the
        copies, the id order), when one condition is a key term and the rest, like the columns,
        need only the copied columns (migration a7n4c0de0019); else None. A record has several keys
        in a class range (K23 and K25), with the same copies in each: DISTINCT gives it once. K2* at
        a million records (19,619 keys): the hits' statement 50 → 28 ms on a slow machine."""
        parts = _conjuncts(conditions)
        found = [(i, where) for i, c in enumerate(parts) if (where := _key_where(c)) is not None]
        if len(found) != 1:
            return None
        index, where = found[0]
        if _exact_key(where):
            return None
        rest = parts[:index] + parts[index + 1:]
        if any(_has_subquery(c) for c in rest):  # another key's sub-query on record_keys would correlate
            return None
        alone = on_key_row([*columns, *rest])
        if alone is None:
            return None
        keys = RecordKey.__table__
        q = sa.select(*alone[:len(columns)]).select_from(keys).where(where, *alone[len(columns):]).distinct()
        return q, keys.c.record_id

    def search(self, *args, **kwargs):
        """With room for exact bitmaps: at the default work_mem (4 MB) the bitmap of a frequent word
        and a large library (148,001 and 111,695 entries) turns lossy, and PostgreSQL re-reads the
        vectors of every row on 7,359 pages (学 held by the largest library: 253 ms). SET LOCAL: for
        this transaction only."""
        # set_config(…, true) is SET LOCAL; in the same round trip: whether this transaction has
        # written anything (then it has a transaction id), which another connection would not see.
        self._wrote = db.session.execute(sa.text(
            "SELECT set_config('work_mem', :mem, true), pg_current_xact_id_if_assigned() IS NOT NULL"),
            {"mem": SEARCH_WORK_MEM}).one()[1]
        self.__dict__.pop("_estimates", None)  # the planner's estimates are kept for one search only
        return super().search(*args, **kwargs)

    def newest_ahead(self, q, id_order, limit):
        """On a second connection, in a thread: the count of a large result (10,001 hits, each a
        page of record_search) and its newest 1,000 hits (as many pages again) each cost about
        20 ms at a million records, one after the other on one connection; the server runs the two
        statements on two cores at once. Only the bounded statement of newest_rows is tried there:
        if the guess that the result is large was wrong, walking the newest ids could read them all.
        Not when this transaction has written: the other connection would not see its rows. Such a
        search holds two of the pool's connections for a moment (SQLAlchemy's default: 5 and 10 more
        per process; a gunicorn worker serves one request at a time)."""
        if getattr(self, "_wrote", True) or limit < AHEAD_ROWS:
            return None
        return _ahead_thread(self._newest_elsewhere, current_app._get_current_object(), q, id_order, limit)

    def _newest_elsewhere(self, app, q, id_order, limit):
        with app.app_context():  # a session of its own; its connection goes back to the pool at the end
            db.session.execute(sa.text("SELECT set_config('work_mem', :mem, true)"), {"mem": SEARCH_WORK_MEM})
            return self.newest_rows(q, id_order, limit, bounded_only=True)

    def estimate(self, text) -> float:
        """The planner's estimate of the rows matching a full-text tree (no statement is run)."""
        known = self.__dict__.setdefault("_estimates", {})
        if text not in known:
            params: dict = {}
            known[text] = _plan_rows(f"SELECT record_id FROM record_search WHERE {ts_condition(text, params)}", params)
        return known[text]

    def likely_broad(self, text, lead):
        """From the planner's estimate, for combinations and words' beginnings (a single token is
        either counted or known broad, see surely_broad): 10,001 rows counted, not fetched, where
        the statistics expect more; 5 ms of 30 for relig* (17,676 hits)."""
        if not lead or text is None or (_one_token(text) and not _prefix(text)):
            return False
        return self.estimate(text) > SORT_LIMIT

    def broad_without_text(self, q):
        """From the planner's estimate of the conditions (a year range's share of the records is in
        its histogram): the 10,001 hits of 1990–1995 at a million records are counted in 5.5 ms,
        where fetching them cost 18.5 (8.7 to find, 9.8 to bring the rows into Python), only to be
        thrown away, since the page and the facet sample are the newest hits, read on their own."""
        if _exact_key(q.whereclause):
            return False  # an ISBN, an ISSN, a whole class number: a few records, not worth a plan
        return _plan_rows(*_compiled(q)) > SORT_LIMIT

    def surely_broad(self, text, q):
        """For a single token only (a character, a pair, a word, a word's beginning), whose share
        of the rows PostgreSQL's statistics of the vectors know (its most common elements, sampled by
        ANALYZE): the planner's estimate of hits. Combinations are left to the capped count, as
        their estimates assume independence, which Chinese text does not have."""
        if not _one_token(text):
            return False
        threshold = BROAD_ESTIMATE_PREFIX if _prefix(text) else BROAD_ESTIMATE
        return _plan_rows(*_compiled(q)) >= threshold

    def newest_rows(self, q, id_order, limit, bounded_only=False):
        """The newest `limit` hits, looked for first among the newest ids (NEWEST_MARGIN times as
        many as the planner's estimate of the hits says should hold them), then among eight times as
        many, then everywhere. Without the bound PostgreSQL walks the primary key backwards and tests
        each row until it has enough: 84,110 rows for the newest 1,000 titles with 历史 (11,873 hits)
        at a million records, 61 ms; bounded, it intersects the word's bitmap with the id range's and
        reads the 1,790 hits in it: 14 ms. For the 20 newest the walk is the cheaper (philosoph*: 20
        against 38 ms): the bound is used where the walk would test more than NEWEST_WALK rows. Only a
        full set counts as the answer, so the hits are the same whatever the estimate.

        `bounded_only`: the first bounded statement and nothing else (None if it is not full), for a
        result not yet known to be large (newest_ahead)."""
        top = db.session.scalar(sa.select(sa.func.max(id_order)))
        if top is None or limit * top / (SORT_LIMIT + 1) <= NEWEST_WALK:  # a large result: a short walk
            return None if bounded_only else super().newest_rows(q, id_order, limit)
        expected = max(_plan_rows(*_compiled(q)), SORT_LIMIT + 1)
        if limit * top / expected > NEWEST_WALK:
            span = int(limit * top / expected * NEWEST_MARGIN) + 1
            while span < top:
                rows = _rows(q.where(id_order > top - span).limit(limit))
                if len(rows) == limit:
                    return rows
                if bounded_only:
                    return None
                span *= 8
        return None if bounded_only else super().newest_rows(q, id_order, limit)

    def rank_column(self, tree, text, phrases, lead):
        """ts_rank from the row the match already read: ranks() asked for each hit's vector a second
        time, a second visit to a page per hit (the rows are 1.2 KB, the hits scattered). The same
        value as ranks() gives: the query's phrases, any of them, over all the text; 0 where they
        do not occur (a hit found by a holding or a NOT alone)."""
        if not lead or text is None or self.likely_broad(text, lead):
            return None  # a result past SORT_LIMIT is not ranked: 10,001 ranks would be thrown away
        query = sa.cast(sa.literal(tsquery_literal(phrases, "any")), TSQUERY)
        everything = sa.literal_column("record_search.everything")
        return sa.case((everything.op("@@")(query), sa.func.ts_rank(everything, query)), else_=0)

    def ranked(self, tree, phrases):
        return (sa.text("SELECT record_id, ts_rank(everything, CAST(:q AS tsquery)) AS rank FROM record_search "
                        "WHERE everything @@ CAST(:q AS tsquery)")
                .bindparams(sa.bindparam("q", tsquery_literal(phrases, "any"), unique=True))
                .columns(sa.column("record_id"), sa.column("rank")))

    def ranks(self, tree, phrases, ids):
        """ts_rank over all the text for any of the phrases, for the given records only."""
        if not ids:
            return {}
        rows = db.session.connection().execute(
            sa.text("SELECT record_id, ts_rank(everything, CAST(:q AS tsquery)) FROM record_search "
                    "WHERE everything @@ CAST(:q AS tsquery) AND record_id = ANY(CAST(:ids AS integer[]))"),
            {"q": tsquery_literal(phrases, "any"), "ids": list(ids)})
        return dict(rows.all())

    def ids_in(self, column, ids):
        """One array parameter instead of up to 10,000."""
        return column == sa.any_(sa.cast(sa.bindparam(None, list(ids), type_=ARRAY(sa.Integer)), ARRAY(sa.Integer)))

    def codepoint_order(self):
        url = str(db.engine.url)
        if url not in _collation_checked:
            collation = db.session.scalar(sa.text(
                "SELECT datcollate FROM pg_database WHERE datname = current_database()"))
            _collation_checked[url] = collation in CODEPOINT_COLLATIONS
        return _collation_checked[url]
