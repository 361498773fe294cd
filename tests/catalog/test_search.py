"""The same search questions, answered the same way by SQLite FTS5 and PostgreSQL."""
import pytest

from app.catalog import services
from app.catalog.search import And, Not, Or, QueryError, Term, backend
from app.extensions import db
from tests.catalog.shelf import standard_shelf
from tests.catalog.tsvectors import as_postgresql_reads_it
from tests.factories import gen_library, gen_region


@pytest.fixture
def shelf(ctx):
    rows = standard_shelf()
    db.session.commit()
    return rows


def _ids(node, **kw):
    return set(backend().search(node, per_page=100, **kw).ids)


def test_one_and_two_character_chinese_queries_match_substrings(shelf):
    assert _ids(Term("title", "学")) == {shelf["study"].id}
    assert _ids(Term("title", "编目")) == {shelf["rules"].id}  # not 编写目录: the characters must be adjacent
    assert _ids(Term("keyword", "经济")) == {shelf["econ"].id}
    assert _ids(Term("title", "文献编目规则")) == {shelf["rules"].id}


def test_latin_words_fold_case_and_diacritics_and_truncate(shelf):
    assert _ids(Term("title", "ECONOMIE")) == {shelf["eco"].id}
    assert _ids(Term("title", "catalog*")) == {shelf["rda"].id}
    assert _ids(Term("title", "catalog")) == set()
    assert _ids(Term("author", "dupont")) == {shelf["eco"].id}


def test_isbn_10_and_13_are_equivalent_with_or_without_hyphens(shelf):
    for q in ("9787501344413", "978-7-5013-4441-3", "7501344418", "7-5013-4441-8"):
        assert _ids(Term("isbn", q)) == {shelf["rules"].id}, q
    assert _ids(Term("isbn", "9787040123456")) == {shelf["study"].id}
    with pytest.raises(QueryError):
        backend().search(Term("isbn", "978-0-00-000000-1"))


def test_class_numbers_exact_and_by_beginning(shelf):
    assert _ids(Term("clc", "G254")) == {shelf["split"].id}
    assert _ids(Term("clc", "G254*")) == {shelf["rules"].id, shelf["split"].id}
    assert _ids(Term("class", "HB171")) == {shelf["eco"].id}
    assert _ids(Term("lcc", "z693")) == {shelf["rda"].id}


def test_boolean_combinations_and_years(shelf):
    chinese = Term("database", "chinese")
    assert _ids(And((chinese, Not(Term("title", "编"))))) == {shelf["study"].id, shelf["econ"].id}
    assert _ids(Or((Term("title", "规则"), Term("title", "rda")))) == {shelf["rules"].id, shelf["rda"].id}
    assert _ids(And((Term("year", "2005", ">="), Term("year", "2015", "<")))) == {shelf["rules"].id, shelf["study"].id}
    assert _ids(Term("keyword", "经济 统计", "all")) == {shelf["econ"].id}
    assert _ids(Term("keyword", "规则 统计", "any")) == {shelf["rules"].id, shelf["econ"].id}
    assert _ids(Term("publisher", "统计出版社", "==")) == {shelf["econ"].id}
    assert _ids(Term("id", str(shelf["rda"].id))) == {shelf["rda"].id}


def test_facets_paging_and_order(shelf):
    region = gen_region(code="C")
    lib = gen_library(code="WHU", region=region)
    services.add_holding(None, shelf["rules"], lib, "G254.3/1")
    services.add_holding(None, shelf["econ"], lib, "F124/9")
    res = backend().search(None, per_page=2, sort="date")
    assert res.total == 6 and res.pages == 3 and len(res.ids) == 2
    assert res.ids == [shelf["econ"].id, shelf["rda"].id]  # newest first
    facets = dict(res.facets)
    assert dict(facets["database"]) == {"chinese": 4, "western": 2}
    assert dict(facets["language"]) == {"chi": 4, "eng": 1, "fre": 1}
    assert dict(facets["library"]) == {"WHU": 2} and dict(facets["region"]) == {"C": 2}
    counted = backend().search(None, per_page=2, exact_count=True, facets=("language", "database"))  # in SQL
    assert counted.facets == {"language": facets["language"], "database": facets["database"]}
    page3 = backend().search(None, per_page=2, page=3, sort="date")
    assert page3.ids == [shelf["eco"].id, shelf["split"].id]  # 2001, 1999
    assert _ids(Term("library", "whu")) == {shelf["rules"].id, shelf["econ"].id}
    assert _ids(Term("region", "c")) == {shelf["rules"].id, shelf["econ"].id}
    assert _ids(Term("language", "fre")) == {shelf["eco"].id}
    assert _ids(And((Term("title", "economie"), Term("language", "eng")))) == set()


def test_a_truncation_inside_a_phrase_is_one_on_both_engines(shelf):
    # SQLite searched the exact phrase "catalog practice" (FTS5 marks only a string's last token as a
    # prefix), PostgreSQL catalog* followed by practice
    assert _ids(Term("title", "catalog*-practice")) == _ids(Term("title", "cat* practice", "==")) == {shelf["rda"].id}
    assert _ids(Term("title", "and catalog*-practice")) == {shelf["rda"].id}
    assert _ids(Term("title", "catalog-practice*")) == set()


def test_relevance_puts_better_matches_first(shelf):
    res = backend().search(Term("keyword", "经济", "="), sort="relevance")
    assert res.ids[0] == shelf["econ"].id


def test_bad_queries_raise_query_error(ctx):
    for bad in (lambda: Term("nonsense", "x"), lambda: Term("title", "x", "<"),
                lambda: backend().search(Term("title", "   ")), lambda: backend().search(Term("year", "abc")),
                lambda: backend().search(None, sort="random")):
        with pytest.raises(QueryError):
            bad()


def test_editing_a_record_reindexes_it_and_keeps_a_version(shelf):
    row = shelf["split"]
    marc = services.marc_of(row)
    marc["200"]["a"] = "目录学概论"
    assert services.replace(None, row, marc, note="title corrected")
    db.session.commit()
    assert _ids(Term("title", "目录学")) == {row.id}
    assert _ids(Term("title", "艺术")) == set()
    [latest, first] = services.versions(row)
    assert latest.version == 2 and latest.diff == [
        {"tag": "200", "op": "changed", "old": first.diff[[d["tag"] for d in first.diff].index("200")]["new"],
         "new": latest.diff[0]["new"]}]
    assert "目录学概论" in latest.diff[0]["new"] and not services.replace(None, row, marc)


def test_large_results_are_shown_newest_first_and_facets_sampled(shelf, monkeypatch):
    import importlib

    backend_module = importlib.import_module("app.catalog.search.backend")  # the package's backend() shadows it

    monkeypatch.setattr(backend_module, "SORT_LIMIT", 3)
    monkeypatch.setattr(backend_module, "FACET_SAMPLE", 2)
    res = backend().search(Term("database", "chinese"), sort="relevance", per_page=10)
    assert res.sort == "recent" and res.total == 4 and res.more  # counting stopped at SORT_LIMIT + 1
    exact = backend().search(Term("database", "chinese"), per_page=10, exact_count=True)
    assert exact.total == 4 and not exact.more
    assert res.ids == sorted(res.ids, reverse=True)
    assert res.facets_sampled and sum(n for _, n in res.facets["database"]) == 2
    small = backend().search(Term("title", "规则"), sort="relevance")
    assert small.sort == "relevance" and not small.facets_sampled


SUBSTRING_TITLES = ("中国经济发展报告", "经济学原理", "国经济", "C语言程序设计", "学", "日本語の本", "经 济 学")


@pytest.mark.parametrize("query", ["经济", "经济学", "国经济发", "中国经济发展报告", "济", "国经", "c语言",
                                   "语言程序", "C语言程序设计", "语言程设", "本語の", "经济 学"])
def test_chinese_queries_of_any_length_are_substrings_of_the_title(ctx, query):
    """Pairs of characters stand in for the phrase on PostgreSQL: every length, odd and even, and
    runs next to Latin letters must find exactly the titles that contain the characters in a row
    (spaces between words do not separate them: the index holds characters, not words)."""
    from app.catalog.tokens import query_terms, tokens
    from tests.catalog.records import cnmarc_book

    rows = {t: services.create(None, cnmarc_book(t, year=2000)) for t in SUBSTRING_TITLES}
    db.session.commit()
    squeezed = {t: "".join(tokens(t)) for t in SUBSTRING_TITLES}
    wanted = {rows[t].id for t in SUBSTRING_TITLES
              if all("".join(term) in squeezed[t] for term in query_terms(query))}
    assert _ids(Term("title", query)) == wanted


def test_pair_rewrite_of_stored_vectors_matches_the_indexer():
    """The migration that adds the pairs to existing PostgreSQL vectors gives what the indexer writes,
    and taking them out again gives the old vectors (its downgrade)."""
    import importlib.util
    from pathlib import Path

    from app.catalog.search.postgres import tsvector_literal, vector_literal
    from app.catalog.tokens import index_text

    path = next(Path("migrations/versions").glob("*_a7c3c0de0008_*.py"))
    spec = importlib.util.spec_from_file_location("pairs_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for text in ("中国经济发展报告 C语言 O'Brien 经 济", "no chinese at all", "学", ""):
        tokens = index_text(text).split()
        # as the server stores them (the indexer writes a repeated token at each of its positions)
        indexed = as_postgresql_reads_it(tsvector_literal(index_text(text)))
        with_pairs = " ".join(f"{migration._quote(t)}:{','.join(map(str, p))}" for t, p in indexed.items())
        without = " ".join(f"{migration._quote(t)}:{','.join(map(str, p))}"
                           for t, p in as_postgresql_reads_it(vector_literal(tokens)).items()
                           if not (len(t) == 2 and all(migration._single_cjk(c) for c in t)))
        assert migration._parse(migration.with_pairs(without)) == indexed
        assert migration._parse(migration.with_pairs(with_pairs)) == indexed
        assert migration._parse(migration.with_pairs(with_pairs, pairs=False)) == migration._parse(without)


def test_sqlite_pairs_migration_writes_what_the_indexer_writes():
    """The migration that adds CJK pairs to existing SQLite texts gives what the indexer stores, and
    its downgrade the texts without them."""
    import importlib.util
    from pathlib import Path

    from app.catalog.search.sqlite import SQLiteBackend
    from app.catalog.tokens import index_text

    path = next(Path("migrations/versions").glob("*_a7l2c0de0017_*.py"))
    spec = importlib.util.spec_from_file_location("sqlite_pairs_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for text in ("中国经济发展报告 C语言 O'Brien 经 济", "no chinese at all", "学", "", "经济，学 习"):
        plain = index_text(text)
        stored = SQLiteBackend.stored_texts({"title": plain, "holdings": "l1 l2"})
        assert stored["holdings"] == "l1 l2"
        assert migration.with_pairs(plain) == stored["title"]
        assert migration.with_pairs(stored["title"]) == stored["title"]  # twice: the same
        assert migration.without_pairs(stored["title"]) == plain
    assert SQLiteBackend.stored_texts({"title": index_text("中国经济")})["title"] == "中 国 经 济 中国 国经 经济"


def test_a_broad_single_token_skips_the_count_only_when_the_hits_do_not_run_out(shelf, monkeypatch):
    """PostgreSQL may take a single token's estimate for "more than SORT_LIMIT" and skip the capped
    count; when the newest hits then run out before the page is full, the estimate was wrong and the
    search counts after all. SQLite always counts: the same answers."""
    import importlib

    backend_module = importlib.import_module("app.catalog.search.backend")
    postgres_module = importlib.import_module("app.catalog.search.postgres")
    from tests.catalog.records import cnmarc_book

    for i in range(4):
        services.create(None, cnmarc_book(f"图书馆学第{i}卷", year=2001 + i))
    db.session.commit()
    monkeypatch.setattr(backend_module, "SORT_LIMIT", 5)
    monkeypatch.setattr(backend_module, "FACET_SAMPLE", 2)
    monkeypatch.setattr(postgres_module, "BROAD_ESTIMATE", 0)  # every single token looks broad
    seen = []
    original = backend().surely_broad
    monkeypatch.setattr(type(backend()), "surely_broad", lambda self, text, q: seen.append(1) or original(text, q))

    postgres = db.engine.dialect.name == "postgresql"
    from app.catalog.models import Record

    broad = backend().search(Term("title", "图书"), per_page=2, facets=("database",),
                             base_filter=Record.status.in_(["active", "review"]))  # an IN list in the plan asked for
    assert broad.more == postgres and len(broad.ids) == 2  # 4 hits, taken for more than 5 on PostgreSQL
    assert broad.ids == sorted(broad.ids, reverse=True)
    few = backend().search(Term("title", "编目"), per_page=2, facets=("database",))  # one hit: counted after all
    assert few.total == 1 and not few.more and few.ids == [shelf["rules"].id]
    beyond = backend().search(Term("title", "图书"), page=3, per_page=2, facets=())  # past the 4 hits
    assert beyond.total == 4 and not beyond.more and beyond.ids == []
    combined = backend().search(And((Term("title", "图书"), Term("year", "2002", ">"))), per_page=2)
    assert combined.total == 2 and not combined.more  # not a single token alone: always counted
    assert len(seen) == 3  # asked once per single-token search, never for the combination


def test_holdings_tokens_follow_added_moved_and_reindexed_holdings(shelf):
    """A holdings filter reads the tokens of the full-text row: adding a holding, writing the row
    again (an edit or a reindex) and moving holdings keep them in step with the holdings table."""
    from app.catalog.indexing import reindex
    from app.catalog.models import Holding

    rules, study = shelf["rules"].id, shelf["study"].id
    lib = gen_library(code="HZU", region=gen_region(code="HZ"))
    services.add_holding(None, shelf["rules"], lib, "G254/1", commit=True)
    lib_id = lib.id
    assert _ids(Term("library", "HZU")) == _ids(Term("region", "HZ")) == {rules}
    reindex()  # every row written again, holdings included
    db.session.commit()
    assert _ids(Term("library", "HZU")) == {rules}
    for h in db.session.scalars(db.select(Holding).where(Holding.library_id == lib_id)).all():
        h.record_id = study
    backend().index_holdings([rules, study])
    db.session.commit()
    assert _ids(Term("library", "HZU")) == {study}
    assert _ids(And((Term("library", "HZU"), Term("title", "学习")))) == {study}
