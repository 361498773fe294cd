"""The search's SQL is shaped for the planners (full text grouped, OR as UNION, holdings by library id,
class prefixes as ranges, one evaluation per search): the answers must stay those of the query's
plain meaning — set algebra over the terms — in every order, on both engines."""
import importlib
import os
import random
import threading

import pytest
import sqlalchemy as sa

from app.catalog import services
from app.catalog.models import Record
from app.catalog.search import And, Not, Or, Term, backend
from app.extensions import db
from tests.catalog.records import cnmarc_book, marc21_book
from tests.catalog.shelf import standard_shelf
from tests.factories import gen_library, gen_region

backend_module = importlib.import_module("app.catalog.search.backend")  # the package's backend() shadows it


@pytest.fixture
def shelf(ctx):
    rows = standard_shelf()
    rows["tp39"] = services.create(None, cnmarc_book("计算机网络技术", year=2018, clc="TP39", subject="网络"))
    rows["tp391"] = services.create(None, cnmarc_book("信息检索系统", year=2016, clc="TP391.1", subject="检索"))
    rows["tp4"] = services.create(None, cnmarc_book("自动化控制技术", year=2010, clc="TP4", subject="控制"))
    rows["za"] = services.create(None, marc21_book("Zebra economics", year=2012, lcc="ZA4450", subject="Zebras."))
    rows["undated"] = services.create(None, cnmarc_book("经济学读本", year=2005, clc="F0", subject="经济"))
    rows["unindexed"] = services.create(None, cnmarc_book("网络经济学", year=2011, clc="F49", subject="经济"))
    rows["review"] = services.create(None, cnmarc_book("经济网络评论", year=2021, clc="F12"), status="review")
    db.session.flush()
    rows["undated"].year = None
    backend().unindex(rows["unindexed"].id)  # a record the full-text table knows nothing about
    region = gen_region(code="RX")
    whu = gen_library(code="WHU", region=region)
    pku = gen_library(code="PKU", region=region)
    other = gen_library(code="ZJU")
    for name, lib in (("rules", whu), ("econ", whu), ("tp39", pku), ("za", other), ("unindexed", pku)):
        services.add_holding(None, rows[name], lib, None, commit=False)
    db.session.commit()
    return rows


def _ids(node, **kw):
    return set(backend().search(node, per_page=500, **{"facets": (), **kw}).ids)


def _everything():
    return set(db.session.scalars(sa.select(Record.id)))


def _reference(node, leaves):
    """The query's meaning: set algebra over what each term finds alone."""
    if isinstance(node, Term):
        return leaves[node]
    if isinstance(node, And):
        out = _everything()
        for item in node.items:
            out &= _reference(item, leaves)
        return out
    if isinstance(node, Or):
        return set().union(*[_reference(i, leaves) for i in node.items])
    return _everything() - _reference(node.item, leaves)


A, B = Term("title", "经济"), Term("keyword", "网络")
C, D = Term("keyword", "学"), Term("title", "catalog*")
ISBN, CLC = Term("isbn", "9787501344413"), Term("clc", "TP3*")
LIB, REGION, YEAR = Term("library", "pku"), Term("region", "rx"), Term("year", "2010", ">=")
CHINESE = Term("database", "chinese")
COMBINATIONS = [
    Or((A, B)), Or((A, D, ISBN)), Or((A, CLC)), Or((B, LIB)), Or((A, YEAR)), Or((And((A, YEAR)), ISBN)),
    Or((And((A, CHINESE)), D)), And((A, B)), And((A, Not(B))), And((B, Not(A), Not(C))), And((A, B, Not(Or((C, D))))),
    And((Not(A), CHINESE)), Not(A), Not(Not(B)), And((A, Or((B, Not(C))))), Or((A, And((B, Not(C))))),
    And((Or((A, B)), Not(Or((C, D))))), And((B, Not(A), YEAR, REGION)), Or((Not(A), B)), And((Not(Not(A)), B)),
    And((Or((A, ISBN)), Or((B, CLC)))), Or((And((B, Not(A))), And((A, Not(B))))), And((A, Not(And((B, YEAR))))),
]


def test_combinations_find_what_the_terms_find_combined(shelf):
    leaves = {t: _ids(t) for t in (A, B, C, D, ISBN, CLC, LIB, REGION, YEAR, CHINESE)}
    assert leaves[A] and leaves[B] and leaves[A] & leaves[B]  # the shelf makes the combinations matter
    assert shelf["unindexed"].id not in leaves[A] | leaves[B]
    for node in COMBINATIONS:
        assert _ids(node) == _reference(node, leaves), node  # count, then the page
        assert _ids(node, exact_count=True) == _reference(node, leaves), node
        assert _ids(node, facets=("database",)) == _reference(node, leaves), node  # the hits fetched once


def test_a_record_missing_from_the_full_text_table_is_matched_by_not_only(shelf):
    unindexed = shelf["unindexed"].id
    assert unindexed in _ids(And((CHINESE, Not(A))))  # NOT alone: every record without 经济 in the index
    assert unindexed not in _ids(And((B, Not(A))))  # grouped with a positive term: must have that term
    assert unindexed in _ids(Or((Not(A), B)))


def test_or_is_a_union_and_full_text_one_statement(shelf):
    def sql(node):
        return str(backend().condition(node).compile(db.engine, compile_kwargs={"literal_binds": False}))

    assert "UNION ALL" in sql(Or((A, ISBN, LIB)))
    text_table = "FROM record_fts" if db.engine.dialect.name == "sqlite" else "FROM record_search"
    assert sql(And((A, Not(B), C, YEAR))).count(text_table) == 1
    assert sql(Or((A, B, C))).count(text_table) == 1
    assert "libraries" not in sql(LIB) and "regions" not in sql(REGION)


def test_holding_library_and_region_are_full_text_terms(shelf):
    """Holdings are tokens of the record's full-text row: a record the full-text table does not know
    (only ever made by this test) is found by no holdings filter either."""
    assert _ids(Term("library", "pku")) == {shelf["tp39"].id}
    assert _ids(Term("library", "WHU")) == {shelf["rules"].id, shelf["econ"].id}
    assert _ids(Term("region", "rx")) == {shelf["rules"].id, shelf["econ"].id, shelf["tp39"].id}
    assert _ids(And((Term("region", "rx"), A))) == _ids(A) & _ids(Term("region", "rx"))
    assert _ids(Term("library", "NOPE")) == set() and _ids(Term("region", "NOPE")) == set()
    assert _ids(Or((Term("library", "NOPE"), A))) == _ids(A)


@pytest.mark.parametrize("by_range", [True, False])
def test_class_number_beginnings(shelf, monkeypatch, by_range):
    if not by_range:  # a server whose collation does not sort by code point falls back to LIKE
        monkeypatch.setattr(type(backend()), "codepoint_order", lambda self: False)
    tp39, tp391, tp4 = shelf["tp39"].id, shelf["tp391"].id, shelf["tp4"].id
    assert _ids(Term("clc", "TP3*")) == {tp39, tp391}
    assert _ids(Term("clc", "TP39*")) == {tp39, tp391}  # the successor of 9 is ":", not a digit
    assert _ids(Term("clc", "TP391*")) == {tp391}
    assert _ids(Term("clc", "TP391.*")) == {tp391}
    assert _ids(Term("clc", "tp*")) == {tp39, tp391, tp4}
    assert _ids(Term("clc", "TP4*")) == {tp4}
    assert _ids(Term("clc", "TP5*")) == set()
    assert _ids(Term("lcc", "Z*")) == {shelf["rda"].id, shelf["za"].id}  # the successor of Z is "["
    assert _ids(Term("lcc", "ZA*")) == {shelf["za"].id}
    assert _ids(Term("class", "G25*")) == {shelf["rules"].id, shelf["split"].id}


def _pages(node, sort, per_page, **kw):
    first = backend().search(node, sort=sort, per_page=per_page, **kw)
    ids = list(first.ids)
    for page in range(2, first.pages + 1):
        ids += backend().search(node, sort=sort, per_page=per_page, page=page, **kw).ids
    return first, ids


@pytest.mark.parametrize("sort", ["relevance", "date", "title"])
def test_order_and_paging_match_the_exact_path(shelf, sort):
    """Without facets (and for SRU's exact count) the database orders each page, as before; with
    facets the hits fetched once are sorted here. All must give the same order, page by page."""
    for node in (None, A, Or((A, B)), And((CHINESE, Not(C))), Or((A, ISBN, CLC)), Term("title", "鲸鱼")):
        once, ids = _pages(node, sort, 2, facets=("database",))
        paged, paged_ids = _pages(node, sort, 2, facets=())
        exact, exact_ids = _pages(node, sort, 2, facets=(), exact_count=True)
        assert ids == paged_ids == exact_ids and once.total == paged.total == exact.total == len(ids), (node, sort)
        assert once.sort == paged.sort == exact.sort
    res = backend().search(None, sort="date", per_page=100, facets=())
    assert res.ids[-1] == shelf["undated"].id  # a record without a year comes last
    years = [db.session.get(Record, i).year for i in res.ids[:-1]]
    assert years == sorted(years, reverse=True)


def test_relevance_ranks_every_branch_of_an_or(shelf):
    res = backend().search(Or((Term("title", "经济"), Term("title", "rda"))), sort="relevance", per_page=10)
    assert res.sort == "relevance"
    assert set(res.ids) == _ids(Term("title", "经济")) | _ids(Term("title", "rda"))
    assert res.ids[0] in (shelf["econ"].id, shelf["undated"].id, shelf["rda"].id)


def test_facets_over_the_hits_fetched_once(shelf):
    for node in (None, A, Or((A, B)), LIB):
        capped = backend().search(node, per_page=1)
        exact = backend().search(node, per_page=1, exact_count=True)
        assert {k: sorted(v) for k, v in capped.facets.items()} == {k: sorted(v) for k, v in exact.facets.items()}


@pytest.mark.parametrize("limit", [10_000, 3])
def test_facets_are_those_of_the_sample_in_every_order(shelf, monkeypatch, limit):
    """The column facets come with the hits (their rows hold them); they must be the counts of the
    first FACET_SAMPLE hits in result order, as `facets` counts them in SQL, whatever the order
    (relevance: ranked in the hits' statement on some queries; title: sorted in SQL; past the sort
    limit: the newest, read by a statement of their own)."""
    monkeypatch.setattr(backend_module, "SORT_LIMIT", limit)
    monkeypatch.setattr(backend_module, "FACET_SAMPLE", 2)
    wanted = ("database", "material", "year", "library", "region")
    seen = set()
    for node in (None, A, B, Or((A, B)), And((A, B)), Term("keyword", "经济 网络"), LIB, And((B, CHINESE)), CLC, YEAR):
        for sort in ("relevance", "date", "title"):
            res = backend().search(node, sort=sort, per_page=2, facets=wanted)
            if not res.total:
                continue
            expected = backend().facets(backend().ids_in(Record.id, res.ids), wanted)  # page 1 is the sample
            assert {k: sorted(v) for k, v in res.facets.items()} == {k: sorted(v) for k, v in expected.items()}, \
                (node, sort)
            assert sum(n for _, n in res.facets["database"]) == len(res.ids)
            seen.add(res.sort)
            for only in (("year",), ("material", "library")):  # any subset, in any order
                part = backend().search(node, sort=sort, per_page=2, facets=only)
                assert part.facets == {k: res.facets[k] for k in only}, (node, sort, only)
    assert seen == ({"relevance", "date", "title"} if limit > 3 else {"relevance", "date", "title", "recent"})


def test_newest_hits_looked_for_among_the_newest_ids_first(shelf, monkeypatch):
    """PostgreSQL bounds the newest hits' statement to the newest ids its estimate says hold them,
    and widens the bound when they are too few: a wrong estimate costs statements, never hits."""
    if db.engine.dialect.name != "postgresql":
        return  # SQLite reads its newest hits from a posting list or an index backwards, unbounded
    postgres = importlib.import_module("app.catalog.search.postgres")
    monkeypatch.setattr(backend_module, "SORT_LIMIT", 3)
    monkeypatch.setattr(backend_module, "FACET_SAMPLE", 3)
    monkeypatch.setattr(postgres, "NEWEST_WALK", 0)  # a few rows: the walk would always be cheaper
    queries = [None, A, Or((A, B)), CHINESE, And((CHINESE, Not(C))), Term("keyword", "经济 网络", "any"), B]

    def answers():
        return [(r.total, r.ids, r.sort, r.facets) for r in (backend().search(n, per_page=2) for n in queries)]

    bounds = []

    def bounded_statement(conn, cursor, sql, *args):
        if "ORDER BY" in sql and ("record_search.record_id >" in sql or "records.id >" in sql):
            bounds.append(sql)

    sa.event.listen(db.engine, "before_cursor_execute", bounded_statement)
    bounded = answers()
    sa.event.remove(db.engine, "before_cursor_execute", bounded_statement)
    assert len(bounds) >= 5  # the bound was tried, and widened
    for margin in (1e-9, 1e9):  # a bound far too narrow, widened step by step; no bound at all
        monkeypatch.setattr(postgres, "NEWEST_MARGIN", margin)
        assert answers() == bounded, margin
    monkeypatch.setattr(postgres.PostgresBackend, "newest_rows", backend_module.SearchBackend.newest_rows)
    assert answers() == bounded
    assert [sort for _, _, sort, _ in bounded].count("recent") == 5  # past the limit: the newest hits


def test_past_the_sort_limit_pages_stay_newest_first(shelf, monkeypatch):
    monkeypatch.setattr(backend_module, "SORT_LIMIT", 3)
    monkeypatch.setattr(backend_module, "FACET_SAMPLE", 2)
    everything = sorted(_everything(), reverse=True)
    for page in (1, 2, 3, 4):  # page 2 and on are beyond the facet sample
        res = backend().search(None, sort="relevance", per_page=2, page=page)
        assert res.sort == "recent" and res.total == 4 and res.more
        assert res.ids == everything[(page - 1) * 2:page * 2]
        assert res.facets_sampled and sum(n for _, n in res.facets["database"]) == 2
        plain = backend().search(None, sort="relevance", per_page=2, page=page, facets=())
        assert plain.ids == res.ids and plain.total == 4 and plain.sort == "recent"
    sample = set(everything[:2])
    expected = {}
    for rid in sample:
        database = db.session.get(Record, rid).database
        expected[database] = expected.get(database, 0) + 1
    assert dict(res.facets["database"]) == expected


def test_counting_before_fetching_gives_the_same_answers(shelf, monkeypatch):
    """Where an engine expects a large result it counts the hits before fetching them; a wrong guess
    (a small result) must only cost time, and a right one give the same page as fetching them."""
    queries = [None, A, Or((A, B)), And((CHINESE, Not(C))), LIB]
    sorts = ("relevance", "date", "title")

    def answers():
        return [(r.total, r.ids, r.sort, r.facets) for r in
                (backend().search(node, sort=sort, per_page=2) for node in queries for sort in sorts)]

    for limit in (10_000, 3):  # every result small; then most of them past the limit
        monkeypatch.setattr(backend_module, "SORT_LIMIT", limit)
        monkeypatch.setattr(backend_module, "FACET_SAMPLE", 2)
        fetched = answers()
        monkeypatch.setattr(type(backend()), "likely_broad", lambda self, text, lead, **margin: True)
        monkeypatch.setattr(type(backend()), "broad_without_text", lambda self, q: True)
        assert answers() == fetched
        monkeypatch.undo()
    assert any(total > 3 for total, *_ in fetched)


def test_postgresql_reads_the_newest_hits_beside_the_count(shelf, monkeypatch):
    """Where PostgreSQL counts a result it expects to be large, it reads the newest hits (the page and
    the facet sample) on a second connection at the same time. The answers are those of reading them
    after the count: when the guess is right, when it is wrong (a small result), when the other
    connection fails; and a transaction that has written reads them itself, as the other connection
    would not see its rows."""
    if db.engine.dialect.name != "postgresql":
        return
    postgres = importlib.import_module("app.catalog.search.postgres")
    for module in (backend_module, postgres):
        monkeypatch.setattr(module, "SORT_LIMIT", 3)
    monkeypatch.setattr(backend_module, "FACET_SAMPLE", 2)
    monkeypatch.setattr(postgres, "AHEAD_ROWS", 2)
    monkeypatch.setattr(postgres, "NEWEST_WALK", 0)  # a few rows: the walk would always be cheaper
    monkeypatch.setattr(postgres, "NEWEST_MARGIN", 1.5)  # the first bound holds the newest hits here
    monkeypatch.setattr(postgres.PostgresBackend, "likely_broad", lambda self, text, lead, **margin: True)
    monkeypatch.setattr(postgres.PostgresBackend, "broad_without_text", lambda self, q: True)
    queries = [None, A, Or((A, B)), CHINESE, Or((A, LIB)), YEAR, ISBN]
    elsewhere = postgres.PostgresBackend._newest_elsewhere
    read = []

    def spy(self, app, *args):
        read.append((threading.current_thread().name, elsewhere(self, app, *args)))
        return read[-1][1]

    def answers():
        return [(r.total, r.ids, r.sort, r.facets) for r in (backend().search(n, per_page=2) for n in queries)]

    monkeypatch.setattr(postgres.PostgresBackend, "_newest_elsewhere", spy)
    ahead = answers()
    assert read and all(name.startswith("search-ahead") for name, _ in read)
    assert any(rows is not None for _, rows in read)  # full: the page and the sample came from there
    assert any(total > 3 for total, *_ in ahead) and any(total <= 3 for total, *_ in ahead)
    with monkeypatch.context() as m:
        m.setattr(postgres.PostgresBackend, "newest_ahead", backend_module.SearchBackend.newest_ahead)
        assert answers() == ahead

    def failing(self, app, *args):
        raise RuntimeError("the other connection failed")

    with monkeypatch.context() as m:
        m.setattr(postgres.PostgresBackend, "_newest_elsewhere", failing)
        assert answers() == ahead
    read.clear()
    _, idle = postgres._ahead[os.getpid()]
    held = [idle.acquire(blocking=False) for _ in range(postgres.AHEAD_THREADS)]
    try:  # every thread busy with other searches: this one reads its rows itself, not after theirs
        assert answers() == ahead and not read
    finally:
        for taken in held:
            if taken:
                idle.release()
    added = services.create(None, cnmarc_book("经济新论", year=2024, clc="F0"))
    db.session.flush()  # written, not committed: only this connection sees it
    result = backend().search(None, per_page=2)
    assert result.ids[0] == added.id and not read


def test_postgresql_counts_a_broad_search_without_text_from_the_planners_estimate(shelf, monkeypatch):
    """A search by years alone that the planner expects past the limit is counted, not fetched:
    the same answer, one statement that brings back a number instead of every hit's row."""
    if db.engine.dialect.name != "postgresql":
        return
    postgres = importlib.import_module("app.catalog.search.postgres")
    db.session.execute(sa.text("ANALYZE records"))
    for module in (backend_module, postgres):
        monkeypatch.setattr(module, "SORT_LIMIT", 3)
    monkeypatch.setattr(backend_module, "FACET_SAMPLE", 2)
    node, narrow = Term("year", "1900", ">="), Term("year", "2021", ">")
    b = backend()
    assert b.broad_without_text(b.driven(None, [b.condition(node)], Record.id)[0])
    assert not b.broad_without_text(b.driven(None, [b.condition(narrow)], Record.id)[0])
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    for sort in ("date", "relevance"):
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            counted = b.search(node, sort=sort, per_page=2)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        assert any(s.lstrip().upper().startswith("SELECT COUNT(*)") for s in statements)
        with monkeypatch.context() as m:
            m.setattr(type(b), "broad_without_text", lambda self, q: False)
            fetched = b.search(node, sort=sort, per_page=2)
        assert (counted.total, counted.ids, counted.sort, counted.facets) == \
            (fetched.total, fetched.ids, fetched.sort, fetched.facets)
        assert counted.total > 3 and counted.sort == "recent"


def test_sqlite_expects_a_result_from_its_terms_counts(shelf, monkeypatch):
    """SQLite judges whether a query will have more hits than it ranks from FTS5's vocabulary (how
    many records hold each term in each column): then it leaves bm25 out of the hits' statement.
    The counts are the index's own, kept for a while; a wrong guess costs time, never the answer."""
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL asks its planner (test_a_broad_single_token_…)
    sqlite = importlib.import_module("app.catalog.search.sqlite")
    from app.catalog.search.query import Match

    services.create(None, cnmarc_book("济南经典", year=2019, clc="K29"))  # both characters, not the phrase
    services.create(None, marc21_book("Economics of the zebra", year=2019, lcc="QL737"))  # both words, not the phrase
    db.session.commit()
    sqlite._counts.clear()
    sqlite._records.clear()
    b = backend()
    held = len(_ids(Term("title", "经")))  # public records only; the vocabulary counts every indexed record
    economy = Match("title", (("经", "济"),))
    assert sqlite._term_counts("经")["title"] >= held > 0
    expected = sqlite.expected_hits(economy, 1000)
    pair_matches = db.session.scalar(sa.text("SELECT count(*) FROM record_fts WHERE record_fts MATCH :q"),
                                     {"q": '{title} : ("经 济")'})  # the phrase of single characters
    assert expected == sqlite._term_counts("经济")["title"] == pair_matches  # a pair is counted exactly
    assert expected < min(sqlite._term_counts(t)["title"] for t in "经济")  # 济南经典
    network = Match("title", (("网", "络"),))
    both = sqlite.expected_hits(And((economy, network)), 1000)
    assert both == pytest.approx(expected * sqlite.expected_hits(network, 1000) / 1000)  # taken as independent
    assert sqlite.expected_hits(Or((economy, network)), 1000) == expected + sqlite.expected_hits(network, 1000)
    assert sqlite.expected_hits(Match("title", (("经", "济", "学"),)), 1000) is None  # a longer phrase: unknown
    assert sqlite.expected_hits(Match("everything", (("econom*",),)), 1000) is None  # a word's beginning: unknown
    assert sqlite.expected_hits(And((economy, Not(network))), 1000) == expected  # a NOT is not counted

    text = b.lower(Term("title", "经济"))
    monkeypatch.setattr(backend_module, "SORT_LIMIT", 10_000)
    monkeypatch.setattr(sqlite, "SORT_LIMIT", 10_000)
    assert not b.likely_broad(text, True)
    ranked = b.search(Term("title", "经济"), per_page=5, facets=())
    monkeypatch.setattr(sqlite, "SORT_LIMIT", 0)  # now every result looks broad: ranked by ranks() instead
    assert b.likely_broad(text, True) and not b.likely_broad(text, False)
    assert b.rank_column(text, text, [["经", "济"]], True) is None
    assert b.search(Term("title", "经济"), per_page=5, facets=()).ids == ranked.ids

    words = b.lower(Term("title", "zebra economics", "=="))  # one phrase of two words
    guess = sqlite.expected_hits(words, 1000)
    assert guess == min(sqlite._term_counts(t)["title"] for t in ("zebra", "economics"))
    matches = db.session.scalar(sa.text("SELECT count(*) FROM record_fts WHERE record_fts MATCH :q"),
                                {"q": sqlite.fts_query(words)})
    assert 0 < matches < guess  # Economics of the zebra holds both words, not the phrase
    counted = []
    for limit in range(1, int(guess) + 1):  # an expectation under twice the limit: the matches are counted
        monkeypatch.setattr(sqlite, "SORT_LIMIT", limit)
        if limit < guess <= 2 * limit:
            assert b.likely_broad(words, True) == (matches > limit), limit
            counted.append(matches > limit)
    assert False in counted  # expected past the limit, counted within it

    monkeypatch.setattr(sqlite, "COUNTS_TTL", 0.0)  # counts read again: a record added is counted
    before = sqlite._term_counts("经")["title"]
    services.create(None, cnmarc_book("经济学新论", year=2020, clc="F0"))
    db.session.flush()
    assert sqlite._term_counts("经")["title"] == before + 1


def test_the_newest_hits_of_a_search_without_text_walk_the_id_index(shelf, monkeypatch):
    """A large result without full text takes its newest hits walking ix_records_search backwards;
    SQLite is told so by name, or it reads the whole year range from ix_records_year_search and sorts
    it. The hits are those of the plain meaning, newest first, on both engines."""
    monkeypatch.setattr(backend_module, "SORT_LIMIT", 3)
    monkeypatch.setattr(backend_module, "FACET_SAMPLE", 2)
    statements = []

    def seen(conn, cursor, sql, *args):
        statements.append(sql)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    meaning = {YEAR: Record.year >= 2010, And((YEAR, CHINESE)): sa.and_(Record.year >= 2010, Record.database == "chinese"),
               None: sa.true()}
    for node, where in meaning.items():
        res = backend().search(node, per_page=2, facets=("year",))
        expected = sorted(db.session.scalars(sa.select(Record.id).where(where)), reverse=True)
        assert len(expected) > 3 and res.sort == "recent" and res.ids == expected[:2], node
    sa.event.remove(db.engine, "before_cursor_execute", seen)
    newest = [s for s in statements if "ORDER BY records.id DESC" in s]
    assert newest
    if db.engine.dialect.name == "sqlite":
        assert all("FROM records INDEXED BY ix_records_search" in s for s in newest)


def test_postgresql_reads_a_year_range_from_its_index_alone(shelf):
    """The hits of a search by years alone come from ix_records_year_search without visiting a
    table row: PostgreSQL's index entries carry the id (migration a7m3c0de0018), as SQLite's do."""
    if db.engine.dialect.name != "postgresql":
        return
    from app.catalog.views.opac import PUBLIC

    q, _ = backend().driven(None, [backend().condition(YEAR), PUBLIC], Record.id, Record.year, Record.database,
                            Record.material, hits_only=True)
    compiled = q.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    for setting in ("enable_seqscan", "enable_bitmapscan"):  # a few rows: the planner would rather read them all
        db.session.execute(sa.text(f"SET LOCAL {setting} = off"))
    # The SRU scan indexes lead with status and kind too: on a table of a few rows their cost ties with
    # this one's, and the tie goes by the indexes' creation order, which a deferred load changes
    # (test_load_indexes builds them again). Out of the way in this transaction only (rolled back).
    for col in ("title", "author", "publisher"):
        db.session.execute(sa.text(f"DROP INDEX ix_records_scan_{col}"))
    plan = "\n".join(r[0] for r in db.session.connection().exec_driver_sql("EXPLAIN " + str(compiled), compiled.params))
    db.session.rollback()
    assert "Index Only Scan using ix_records_year_search" in plan, plan


def test_sqlite_leads_with_the_full_text_and_tests_a_key_on_its_rows(shelf):
    """Beside full text, a key (an ISBN, a class number's beginning, an OR with one) is a list each
    full-text hit is tested against on SQLite, on the full-text row before the join; the hits are
    the set algebra's, and the same as SQLite's former plan, led by the lists."""
    statements = []

    def seen(conn, cursor, sql, *args):
        statements.append(sql)

    for node in (And((B, CLC)), And((A, ISBN)), And((B, Or((ISBN, CLC)))), And((B, CLC, YEAR, Not(C)))):
        expected = set.intersection(*[_ids(i) for i in node.items if not isinstance(i, Not)]) - \
            set().union(*[_ids(i.item) for i in node.items if isinstance(i, Not)])
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", seen)
        found = _ids(node)
        sa.event.remove(db.engine, "before_cursor_execute", seen)
        assert found == expected, node
        if db.engine.dialect.name == "sqlite":
            hits = [s for s in statements if "record_fts MATCH" in s and "JOIN records" in s]
            assert hits and all("+record_fts.rowid IN (SELECT" in s for s in hits), node
            assert not any("records.id IN (SELECT" in s for s in hits), node
    assert any(_ids(n) for n in (And((B, CLC)), And((A, ISBN))))  # not every answer empty


def test_hits_by_date_newest_year_first_then_newest_id_undated_last():
    """The date order of up to 10,000 hits, sorted in Python: by year, newest first, equal years by
    id, newest first, records without a year last — as `year DESC NULLS LAST, id DESC` orders them."""
    rng = random.Random(7)
    for _ in range(50):
        ids = rng.sample(range(1, 5_000), rng.randint(0, 300))
        hits = [(i, rng.choice([None, 1999, 2000, 2001, 2024]), "chinese", "book") for i in ids]
        expected = [h[0] for h in sorted(hits, key=lambda h: (h[1] is None, -(h[1] or 0), -h[0]))]
        assert backend_module._newest_years_first(hits) == expected
