"""The public catalogue pages: search, facets, paging, record displays, regional views, exports, basket."""
import html
import re

import pytest
import sqlalchemy as sa
from pymarc import Field, Subfield

from app.catalog import services
from app.extensions import db
from tests.catalog.records import cnmarc_book, marc21_book
from tests.factories import gen_library, gen_region, gen_user, login


@pytest.fixture
def shelf(ctx):
    central = gen_region(code="C", name_zh="华中地区", name_en="Central China")
    north = gen_region(code="N", name_zh="华北地区", name_en="North China")
    whu = gen_library(code="WHU", name_zh="武汉大学图书馆", name_en="Wuhan University Library", region=central)
    hust = gen_library(code="HUST", name_zh="华中科技大学图书馆", region=central)
    pku = gen_library(code="PKU", name_zh="北京大学图书馆", name_en="Peking University Library", region=north)
    rows = {
        "rules": services.create(None, cnmarc_book("中文文献编目规则", isbn="978-7-5013-4441-3", year=2005, clc="G254.3")),
        "study": services.create(None, cnmarc_book("大学学习方法", author="李四著", isbn="7-04-012345-2", year=2012,
                                                   clc="G642", subject="学习方法")),
        "split": services.create(None, cnmarc_book("编写目录的艺术", year=1999, clc="G254")),
        "econ": services.create(None, cnmarc_book("中国经济发展报告", author="国家统计局编", year=2020, clc="F124",
                                                  subject="经济发展", publisher="中国统计出版社")),
        "rda": services.create(None, marc21_book("RDA and cataloging practice", isbn="0-8389-1234-6", year=2015)),
        "hidden": services.create(None, cnmarc_book("待审的编目记录", year=2021), status="review"),
    }
    db.session.commit()
    services.add_holding(None, rows["rules"], whu, "G254.3/1", copies=2, commit=False)
    services.add_holding(None, rows["rules"], pku, "G254.3/Z1", commit=False)
    services.add_holding(None, rows["rules"], hust, "G254.3/H", commit=False)
    services.add_holding(None, rows["econ"], pku, "F124/9", commit=False)
    db.session.commit()
    return {"rows": rows, "whu": whu, "pku": pku, "hust": hust, "central": central, "north": north}


def _titles(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'class="result-title" href="[^"]+">([^<]+)</a>', page)]


def _get(client, url, status=200):
    resp = client.get(url)
    assert resp.status_code == status, (url, resp.status_code)
    return resp.get_data(as_text=True)


def english(client):
    client.post("/lang", data={"lang": "en"})


# --- searching ------------------------------------------------------------------------------------------
def test_search_page_is_in_the_navigation_and_empty_until_asked(client, shelf):
    page = _get(client, "/catalog/")
    assert 'href="/catalog/" aria-current="page"' in page
    assert 'role="search"' in page and "result-title" not in page


def test_chinese_one_and_two_character_queries(client, shelf):
    assert _titles(_get(client, "/catalog/?i1=title&q1=学")) == ["大学学习方法"]
    assert _titles(_get(client, "/catalog/?i1=title&q1=编目")) == ["中文文献编目规则"]  # not 编写目录, nor under review
    assert set(_titles(_get(client, "/catalog/?q1=经济"))) == {"中国经济发展报告"}


def test_isbn_with_hyphens_or_as_isbn_10(client, shelf):
    for q in ("978-7-5013-4441-3", "9787501344413", "7-5013-4441-8", "7501344418"):
        assert _titles(_get(client, f"/catalog/?i1=isbn&q1={q}")) == ["中文文献编目规则"], q


def test_a_bad_isbn_or_year_is_shown_beside_its_field(client, shelf):
    english(client)
    page = _get(client, "/catalog/?i1=isbn&q1=978-7-5013-4441-4", status=400)
    assert 'id="q1-err"' in page and "not a valid ISBN" in page and 'aria-invalid="true"' in page
    page = _get(client, "/catalog/?q1=编目&year_from=abc", status=400)
    assert 'id="year_from-err"' in page and "result-title" not in page
    page = _get(client, "/catalog/?i2=year&q2=twenty&q1=编目", status=400)
    assert 'id="q2-err"' in page


def test_class_numbers_by_beginning_and_issn_and_record_number(client, shelf):
    rows = shelf["rows"]
    assert set(_titles(_get(client, "/catalog/?i1=class&q1=G254*"))) == {"中文文献编目规则", "编写目录的艺术"}
    assert _titles(_get(client, "/catalog/?i1=clc&q1=G254")) == ["编写目录的艺术"]
    assert _titles(_get(client, "/catalog/?i1=class&q1=Z693")) == ["RDA and cataloging practice"]
    assert _titles(_get(client, f"/catalog/?i1=id&q1={rows['econ'].id}")) == ["中国经济发展报告"]
    assert _titles(_get(client, f"/catalog/?i1=id&q1={rows['hidden'].id}")) == []  # under review


def test_boolean_rows(client, shelf):
    both = _get(client, "/catalog/?i1=title&q1=编目&b2=or&i2=title&q2=经济")
    assert set(_titles(both)) == {"中文文献编目规则", "中国经济发展报告"}
    page = _get(client, "/catalog/?q1=G254*&i1=class&b2=not&i2=year&q2=<2000")
    assert _titles(page) == ["中文文献编目规则"]
    page = _get(client, "/catalog/?i1=keyword&q1=学&b2=and&i2=author&q2=李四")
    assert _titles(page) == ["大学学习方法"]
    assert 'class="advanced" open' in page  # the advanced rows stay open when used


def test_facets_are_links_that_add_a_filter(client, shelf):
    page = _get(client, "/catalog/?database=chinese")
    assert set(_titles(page)) == {"中文文献编目规则", "大学学习方法", "编写目录的艺术", "中国经济发展报告"}
    links = dict((html.unescape(label), html.unescape(href)) for href, label in
                 re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a> <span class="muted">\(\d+\)</span>', page))
    assert "北京大学图书馆" in links and "华中地区" in links and "2020" in links
    assert "library=PKU" in links["北京大学图书馆"]
    narrowed = _get(client, links["北京大学图书馆"])
    assert set(_titles(narrowed)) == {"中文文献编目规则", "中国经济发展报告"}
    assert 'aria-current="true">北京大学图书馆' in narrowed
    # the filter shows, with a link that removes it
    remove = re.search(r'<span class="tag">[^<]*PKU <a href="([^"]+)"', narrowed)
    assert remove and "library=" not in html.unescape(remove.group(1))
    assert set(_titles(_get(client, "/catalog/?database=chinese&year=2020"))) == {"中国经济发展报告"}
    assert set(_titles(_get(client, "/catalog/?region=C"))) == {"中文文献编目规则"}
    western = _get(client, "/catalog/?database=western")
    languages = dict((html.unescape(label), html.unescape(href)) for href, label in
                     re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a> <span class="muted">\(\d+\)</span>', western))
    assert "language=eng" in languages["英语"]  # eng named by CLDR in the reader's language
    english_only = _get(client, languages["英语"])
    assert _titles(english_only) == ["RDA and cataloging practice"] and 'aria-current="true">英语' in english_only
    assert set(_titles(_get(client, "/catalog/?language=chi&year=2020"))) == {"中国经济发展报告"}
    assert "三个字母" in _get(client, "/catalog/?language=french", status=400)


def test_paging_and_sorting(client, shelf):
    for n in range(23):
        services.create(None, cnmarc_book(f"分页测试第{n:02d}册", year=1980 + n))
    db.session.commit()
    first = _get(client, "/catalog/?q1=分页测试&per_page=10&sort=date")
    assert "23" in re.search(r'<h2 id="results-heading">([^<]+)<', first).group(1)
    assert _titles(first)[0] == "分页测试第22册" and len(_titles(first)) == 10
    nxt = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert nxt and "page=2" in html.unescape(nxt.group(1))
    third = _get(client, "/catalog/?q1=分页测试&per_page=10&sort=date&page=3")
    assert _titles(third) == ["分页测试第02册", "分页测试第01册", "分页测试第00册"]
    assert 'rel="next"' not in third and 'rel="prev"' in third
    assert 'start="21"' in third
    by_title = _titles(_get(client, "/catalog/?q1=分页测试&per_page=50&sort=title"))
    assert by_title == sorted(by_title)
    relevance = _get(client, "/catalog/?q1=分页测试&per_page=50")
    assert 'aria-current="true">' in relevance and len(_titles(relevance)) == 23


def test_a_result_page_reads_the_database_a_fixed_number_of_times(client, shelf, ctx):
    for n in range(30):
        row = services.create(None, cnmarc_book(f"批量读取测试{n}", year=2000 + n % 20))
        services.add_holding(None, row, shelf["whu"], f"X/{n}", commit=False)
    db.session.commit()
    statements = []

    def count(*args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        _get(client, "/catalog/?q1=批量读取测试&per_page=10")
        ten = len(statements)
        statements.clear()
        _get(client, "/catalog/?q1=批量读取测试&per_page=50")
        fifty = len(statements)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert ten == fifty, (ten, fifty)


# --- regional centre view -----------------------------------------------------------------------------
def test_regional_centre_view_shows_its_own_libraries_holdings(client, shelf):
    rows = shelf["rows"]
    english(client)
    page = _get(client, "/catalog/centre/C?i1=title&q1=编目")
    assert _titles(page) == ["中文文献编目规则"]
    assert "Held by 2 libraries" in page  # of three: Peking University is in the north
    assert "Peking University Library" not in page and "Wuhan University Library" in page
    assert f'/catalog/centre/C/record/{rows["rules"].id}' in page
    record = _get(client, f"/catalog/centre/C/record/{rows['rules'].id}")
    assert "G254.3/1" in record and "G254.3/H" in record and "G254.3/Z1" not in record
    whole = _get(client, f"/catalog/record/{rows['rules'].id}")
    assert "G254.3/Z1" in whole and "G254.3/1" in whole
    # only the region's holdings: 中国经济发展报告 is held in the north only
    assert set(_titles(_get(client, "/catalog/centre/C?database=chinese&held=1"))) == {"中文文献编目规则"}
    _get(client, "/catalog/centre/NOPE", status=404)


# --- record page ----------------------------------------------------------------------------------------
def test_detailed_display_of_cnmarc_has_generated_isbd_punctuation(client, shelf):
    rid = shelf["rows"]["rules"].id
    page = html.unescape(_get(client, f"/catalog/record/{rid}"))
    assert "中文文献编目规则 / 张三著" in page
    assert "北京 : 国家图书馆出版社, 2005" in page
    assert "320页 ; 26cm" in page
    brief = html.unescape(_get(client, f"/catalog/record/{rid}?tab=brief"))
    assert "中文文献编目规则 / 张三著. — 北京 : 国家图书馆出版社, 2005" in brief
    western = html.unescape(_get(client, f"/catalog/record/{shelf['rows']['rda'].id}"))
    assert "Chicago : ALA Editions, 2015." in western


def test_holdings_are_grouped_by_region_then_library(client, shelf):
    page = _get(client, f"/catalog/record/{shelf['rows']['rules'].id}")
    table = page[page.index('class="compact holdings"'):]
    order = [table.index(x) for x in ("华中地区", "华中科技大学图书馆", "G254.3/H", "武汉大学图书馆", "G254.3/1",
                                      "华北地区", "北京大学图书馆", "G254.3/Z1")]
    assert order == sorted(order)
    assert 'scope="rowgroup"' in table


def test_marc_view_is_for_signed_in_members_only(client, shelf):
    rid = shelf["rows"]["rules"].id
    anonymous = _get(client, f"/catalog/record/{rid}?tab=marc")
    assert "200 1# $a" not in anonymous and "$a中文文献编目规则" not in anonymous and "LDR " not in anonymous
    assert "/account/login" in anonymous
    member = gen_user("cataloguer", library=shelf["whu"])
    login(client, member)
    page = html.unescape(_get(client, f"/catalog/record/{rid}?tab=marc"))
    assert "200 1# $a中文文献编目规则$f张三著" in page and "LDR " in page
    # signed in, but the library's membership has lapsed: no MARC either
    lapsed = gen_library(code="GONE")
    former = gen_user("cataloguer", library=lapsed)
    lapsed.disabled_at = lapsed.registered_at
    db.session.commit()
    client.post("/account/logout")
    login(client, former)
    page = _get(client, f"/catalog/record/{rid}?tab=marc")
    assert "$a中文文献编目规则" not in page and "LDR " not in page


def test_records_under_review_are_not_found_by_the_public(client, shelf):
    rid = shelf["rows"]["hidden"].id
    _get(client, f"/catalog/record/{rid}", status=404)
    _get(client, f"/catalog/record/{rid}/export", status=404)
    _get(client, "/catalog/record/999999", status=404)


def test_856_links_are_related_resources_and_only_web_addresses_become_links(client, shelf):
    marc = cnmarc_book("带链接的电子图书", year=2022)
    marc.add_field(Field(tag="856", indicators=["4", "0"], subfields=[Subfield("u", "https://example.org/book?id=1&x=2"),
                                                                      Subfield("z", "全文")]))
    marc.add_field(Field(tag="856", indicators=["4", "0"], subfields=[Subfield("u", "javascript:alert(1)"),
                                                                      Subfield("z", "坏链接")]))
    marc.add_field(Field(tag="856", indicators=["4", "0"], subfields=[Subfield("u", 'http://x.org/"><script>alert(2)</script>')]))
    row = services.create(None, marc)
    db.session.commit()
    page = _get(client, f"/catalog/record/{row.id}")
    assert '<a href="https://example.org/book?id=1&amp;x=2" rel="noopener nofollow"' in page
    assert 'href="javascript:' not in page.lower()
    assert "<script>alert(2)" not in page and 'href="http://x.org/' not in page
    assert "javascript:alert(1)" in page  # shown as text


# --- exports ----------------------------------------------------------------------------------------------
def test_citation_and_text_exports_for_everyone(client, shelf):
    rid = shelf["rows"]["rules"].id
    resp = client.get(f"/catalog/record/{rid}/export?style=citation")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.get_data(as_text=True) == "[1] 张三. 中文文献编目规则[M]. 北京: 国家图书馆出版社, 2005.\n"
    simple = client.get(f"/catalog/record/{rid}/export?style=simple").get_data(as_text=True)
    assert "中文文献编目规则 / 张三著. — 北京 : 国家图书馆出版社, 2005" in simple and "ISBN 978-7-5013-4441-3" in simple
    detailed = client.get(f"/catalog/record/{rid}/export?style=detailed").get_data(as_text=True)
    assert f"记录号 {rid}" in detailed and "中图分类号：G254.3" in detailed
    western = client.get(f"/catalog/record/{shelf['rows']['rda'].id}/export").get_data(as_text=True)
    assert western == "[1] Smith, John. RDA and cataloging practice. Chicago: ALA Editions, 2015.\n"
    assert client.get(f"/catalog/record/{rid}/export?style=bogus").status_code == 404
    page = html.unescape(_get(client, f"/catalog/record/{rid}"))
    assert "张三. 中文文献编目规则[M]. 北京: 国家图书馆出版社, 2005." in page


# --- basket -------------------------------------------------------------------------------------------------
def _basket_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="record_id" value="(\d+)"', page)]


def test_basket_add_remove_export_clear(client, shelf):
    rows = shelf["rows"]
    resp = client.post("/catalog/basket/add", data={"record_id": [rows["rules"].id, rows["econ"].id, rows["hidden"].id],
                                                    "next": "/catalog/?q1=x"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/catalog/?q1=x")
    assert _basket_ids(_get(client, "/catalog/basket")) == [rows["rules"].id, rows["econ"].id]  # not the one under review
    client.post("/catalog/basket/add", data={"record_id": rows["rules"].id, "next": "https://evil.example/"})
    assert "evil" not in client.post("/catalog/basket/add", data={"record_id": rows["rda"].id,
                                                                  "next": "//evil.example/"}).headers["Location"]
    assert _basket_ids(_get(client, "/catalog/basket")) == [rows["rules"].id, rows["econ"].id, rows["rda"].id]
    text = client.get("/catalog/basket/export?style=citation").get_data(as_text=True)
    assert text.splitlines() == ["[1] 张三. 中文文献编目规则[M]. 北京: 国家图书馆出版社, 2005.",
                                 "[2] 国家统计局. 中国经济发展报告[M]. 北京: 中国统计出版社, 2020.",
                                 "[3] Smith, John. RDA and cataloging practice. Chicago: ALA Editions, 2015."]
    client.post("/catalog/basket/remove", data={"record_id": rows["econ"].id})
    assert _basket_ids(_get(client, "/catalog/basket")) == [rows["rules"].id, rows["rda"].id]
    record_page = _get(client, f"/catalog/record/{rows['rules'].id}")
    assert "disabled" in record_page[record_page.index('action="/catalog/basket/add"'):][:600]
    client.post("/catalog/basket/clear")
    assert _basket_ids(_get(client, "/catalog/basket")) == []
    assert client.get("/catalog/basket/export").status_code == 302


def test_the_basket_has_a_limit(client, shelf, monkeypatch):
    from app.catalog import basket

    monkeypatch.setattr(basket, "MAX_ITEMS", 2)
    rows = shelf["rows"]
    english(client)
    client.post("/catalog/basket/add", data={"record_id": [rows["rules"].id, rows["econ"].id, rows["rda"].id]})
    page = _get(client, "/catalog/basket")
    assert _basket_ids(page) == [rows["rules"].id, rows["econ"].id]
    assert "at most 2" in page


def test_a_full_basket_fits_in_the_session_cookie(client, ctx):
    from app.catalog import basket

    with ctx.test_request_context():
        from flask import session

        basket.add(range(9_999_000, 9_999_000 + basket.MAX_ITEMS))
        value = ctx.session_interface.get_signing_serializer(ctx).dumps(dict(session))
    assert len(value) < 3800, len(value)


# --- holdings -----------------------------------------------------------------------------------------------
def test_a_cataloguer_adds_the_holdings_of_their_own_library(client, shelf):
    rid = shelf["rows"]["study"].id
    cataloguer = gen_user("cataloguer", library=shelf["whu"])
    login(client, cataloguer)
    page = _get(client, f"/catalog/record/{rid}")
    assert 'action="/catalog/record/%d/holdings"' % rid in page
    resp = client.post(f"/catalog/record/{rid}/holdings", data={"call_number": "G642/7", "copies": "3", "note": "新书"})
    assert resp.status_code == 302
    page = _get(client, f"/catalog/record/{rid}")
    assert "G642/7" in page and "新书" in page and "武汉大学图书馆" in page
    resp = client.post(f"/catalog/record/{rid}/holdings", data={"call_number": "G642/8", "copies": "0"})
    assert resp.status_code == 400 and 'id="copies-err"' in resp.get_data(as_text=True)


def test_another_librarys_cataloguer_cannot_add_holdings_for_it(client, shelf):
    from app.catalog.models import Holding
    from app.core.errors import PermissionDenied

    rid = shelf["rows"]["study"].id
    outsider = gen_user("cataloguer", library=shelf["pku"])
    login(client, outsider)
    resp = client.post(f"/catalog/record/{rid}/holdings",
                       data={"library_id": shelf["whu"].id, "call_number": "G642/9", "copies": "1"})
    assert resp.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Holding).where(Holding.record_id == rid)) == 0
    with pytest.raises(PermissionDenied):
        services.add_holding(outsider, shelf["rows"]["study"], shelf["whu"], "G642/9")
    # someone who is not a cataloguer at all, and the anonymous public
    client.post("/account/logout")
    assert client.post(f"/catalog/record/{rid}/holdings", data={"copies": "1"}).status_code == 302
    login(client, gen_user(library=shelf["whu"]))
    assert client.post(f"/catalog/record/{rid}/holdings", data={"copies": "1"}).status_code == 403


def test_query_string_cannot_steer_the_links_of_the_page(client, shelf):
    for n in range(12):
        services.create(None, cnmarc_book(f"链接测试{n}", year=2000 + n))
    db.session.commit()
    page = _get(client, "/catalog/?q1=链接测试&per_page=10&_scheme=javascript&_external=1&_anchor=x")
    hrefs = re.findall(r'href="([^"]+)"', page)
    assert 'rel="next"' in page and hrefs
    assert not [h for h in hrefs if h.lower().startswith("javascript") or "://" in h or "#x" in h]
    page = _get(client, "/catalog/centre/C?q1=链接测试&per_page=10&region_code=N&_external=1")
    assert 'href="/catalog/centre/C?' in page and "/catalog/centre/N" not in page
