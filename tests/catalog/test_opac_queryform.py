"""The OPAC's search form turned into a query: rows, booleans, filters, and messages for bad values."""
from app.catalog.search import And, Not, Or, Term
from app.catalog.views.queryform import parse, row_node


def test_an_empty_form_asks_for_nothing(ctx):
    parsed = parse({})
    assert parsed.node is None and not parsed.has_criteria and parsed.ok
    assert parsed.sort == "date" and parsed.page == 1 and parsed.per_page == 20


def test_one_row_is_one_term_and_relevance_is_the_default_order(ctx):
    parsed = parse({"q1": " 编目 ", "i1": "title"})
    assert parsed.node == Term("title", "编目")
    assert parsed.sort == "relevance"


def test_rows_combine_left_to_right_with_and_or_not(ctx):
    parsed = parse({"q1": "编目", "i2": "author", "q2": "张三", "b2": "or", "i3": "year", "q3": "2005", "b3": "not"})
    assert parsed.node == And((Or((Term("keyword", "编目"), Term("author", "张三"))), Not(Term("year", "2005"))))
    parsed = parse({"q1": "a", "b2": "and", "q2": "b", "b3": "and", "q3": "c"})
    assert parsed.node == And((Term("keyword", "a"), Term("keyword", "b"), Term("keyword", "c")))
    # empty rows are skipped, whatever their operator
    assert parse({"q1": "", "b2": "or", "q2": "经济"}).node == Term("keyword", "经济")


def test_filters_are_anded_to_the_rows(ctx):
    parsed = parse({"q1": "经济", "database": "chinese", "material": "book", "library": "whu", "region": "c",
                    "year_from": "2000", "year_to": "2010"})
    assert parsed.node == And((Term("keyword", "经济"), Term("database", "chinese"), Term("material", "book"),
                               Term("library", "WHU"), Term("region", "C"), Term("year", "2000", ">="),
                               Term("year", "2010", "<=")))
    assert parsed.filters["library"] == "WHU"


def test_isbn_and_issn_are_checked_before_searching(ctx):
    assert row_node("isbn", "7-5013-4441-8") == Term("isbn", "7-5013-4441-8")
    assert parse({"i1": "isbn", "q1": "978-7-5013-4441-3"}).ok
    bad = parse({"i1": "isbn", "q1": "978-7-5013-4441-4"})
    assert not bad.ok and set(bad.errors) == {"q1"} and bad.node is None
    assert parse({"i1": "issn", "q1": "0378-5955"}).node == Term("issn", "0378-5955")
    assert parse({"i1": "issn", "q1": "03785955"}).node == Term("issn", "0378-5955")
    assert "q1" in parse({"i1": "issn", "q1": "0378-5956"}).errors


def test_years_numbers_and_class_numbers(ctx):
    assert parse({"i1": "year", "q1": "2010-2015"}).node == And((Term("year", "2010", ">="), Term("year", "2015", "<=")))
    assert parse({"i1": "year", "q1": ">=2010"}).node == Term("year", "2010", ">=")
    for bad in ("abc", "20x5", "99999", "0"):
        assert "q1" in parse({"i1": "year", "q1": bad}).errors, bad
    assert "year_from" in parse({"q1": "x", "year_from": "二〇一〇"}).errors
    assert parse({"i1": "id", "q1": "12 15"}).node == Or((Term("id", "12"), Term("id", "15")))
    assert "q1" in parse({"i1": "id", "q1": "12a"}).errors
    assert parse({"i1": "class", "q1": "tp3*"}).node == Term("class", "tp3*")
    assert "q1" in parse({"i1": "class", "q1": "*"}).errors


def test_unknown_values_become_messages_never_exceptions(ctx):
    parsed = parse({"i1": "nonsense", "q1": "x", "b2": "xor", "q2": "y", "database": "klingon", "library": "<script>",
                    "sort": "random", "page": "-3", "per_page": "100000"})
    assert {"i1", "b2", "database", "library"} <= set(parsed.errors)
    assert parsed.page == 1 and parsed.per_page == 20 and parsed.sort == "relevance"
    assert "q1" in parse({"q1": "!!! ???"}).errors  # nothing to search for
    assert "q1" in parse({"q1": "字" * 201}).errors
    assert parse({"q1": "x", "page": "999999"}).page == 1000


def test_a_pages_own_filter_is_added(ctx):
    parsed = parse({}, extra=[Term("region", "C")])
    assert parsed.node == Term("region", "C") and parsed.has_criteria


def test_digits_int_cannot_read_are_a_message_not_a_crash(ctx):
    # '²' passes str.isdigit() but not int(): it raised ValueError (a 500 on the search page).
    assert "year" in parse({"year": "²"}).errors
    assert "q1" in parse({"i1": "id", "q1": "²"}).errors
    assert "year" in parse({"year": "9" * 5000}).errors  # int() refuses thousands of digits
    assert parse({"year": "２０１０"}).filters["year"] == "2010"  # full-width digits, as a Chinese IME types them


def test_the_search_page_and_an_overlong_record_number_in_an_address(client, ctx):
    page = client.get("/catalog/", query_string={"year": "²", "q1": "x"})
    assert page.status_code == 400 and "2015" in page.get_data(as_text=True)  # the form, with its message
    # beyond a 64-bit id: not found, where SQLite's driver raised OverflowError (a 500)
    assert client.get("/catalog/record/99999999999999999999").status_code == 404
    assert client.get("/catalog/record/99999999999999999999/history").status_code == 404
