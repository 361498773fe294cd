"""The same search questions, answered the same way by SQLite FTS5 and PostgreSQL."""
import pytest

from app.catalog import services
from app.catalog.search import And, Not, Or, QueryError, Term, backend
from app.extensions import db
from tests.catalog.shelf import standard_shelf
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
    assert dict(facets["library"]) == {"WHU": 2} and dict(facets["region"]) == {"C": 2}
    page3 = backend().search(None, per_page=2, page=3, sort="date")
    assert page3.ids == [shelf["eco"].id, shelf["split"].id]  # 2001, 1999
    assert _ids(Term("library", "whu")) == {shelf["rules"].id, shelf["econ"].id}
    assert _ids(Term("region", "c")) == {shelf["rules"].id, shelf["econ"].id}


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
