"""Citations (GB/T 7714-2015 for CNMARC, plain for MARC 21) and the text exports; pure functions."""
from pymarc import Field, Subfield

from app.catalog.citation import citation, detailed_text, export, safe_url, simple_text
from tests.catalog.records import cnmarc_book, marc21_book


def _names(record, tag, names):
    for old in record.get_fields("701"):
        record.remove_field(old)
    for name in names:
        record.add_field(Field(tag=tag, indicators=[" ", "0"], subfields=[Subfield("a", name)]))
    return record


def test_gbt7714_monograph():
    r = cnmarc_book("中文文献编目规则", year=2005)
    assert citation(r, "book", 2005) == "张三. 中文文献编目规则[M]. 北京: 国家图书馆出版社, 2005."


def test_gbt7714_names_at_most_three_then_deng_and_other_title_and_edition():
    r = _names(cnmarc_book("国史旧闻"), "701", ["陈登原", "王五", "赵六", "钱七"])
    r["200"].add_subfield("e", "第1卷")
    r.add_field(Field(tag="205", indicators=[" ", " "], subfields=[Subfield("a", "2版")]))
    assert citation(r, "book") == "陈登原, 王五, 赵六, 等. 国史旧闻: 第1卷[M]. 2版. 北京: 国家图书馆出版社, 2020."


def test_gbt7714_missing_imprint_and_role_words_from_the_statement_of_responsibility():
    r = cnmarc_book("无出版项的书", author="李四主编")
    for tag in ("210", "701"):
        r.remove_field(r.get(tag))
    assert citation(r, "book", 1998) == "李四. 无出版项的书[M]. [出版地不详]: [出版者不详], 1998."
    first = cnmarc_book("初版书")
    first.add_field(Field(tag="205", indicators=[" ", " "], subfields=[Subfield("a", "第1版")]))
    assert "第1版" not in citation(first, "book")


def test_gbt7714_serial_and_online_book():
    serial = cnmarc_book("中国图书馆学报", year=1957, publisher="中国图书馆学会")
    assert citation(serial, "serial", 1957).endswith("中国图书馆学报[J]. 北京: 中国图书馆学会, 1957-.")
    ebook = cnmarc_book("数字图书馆导论", year=2021)
    ebook.add_field(Field(tag="856", indicators=["4", " "], subfields=[Subfield("u", "https://example.org/dl")]))
    assert citation(ebook, "electronic", 2021).endswith("[M/OL]. 北京: 国家图书馆出版社, 2021. https://example.org/dl.")


def test_plain_western_citation():
    r = marc21_book("RDA and cataloging practice", year=2015)
    assert citation(r, "book", 2015) == "Smith, John. RDA and cataloging practice. Chicago: ALA Editions, 2015."
    r["245"].add_subfield("b", "a guide /")
    for name in ("Brown, Ann,", "Chen, Li,", "Diaz, Eva,"):
        r.add_field(Field(tag="700", indicators=["1", " "], subfields=[Subfield("a", name)]))
    r.add_field(Field(tag="250", indicators=[" ", " "], subfields=[Subfield("a", "2nd ed.")]))
    assert citation(r, "book", 2015) == ("Smith, John; Brown, Ann; Chen, Li et al. RDA and cataloging practice: a guide. "
                                         "2nd ed. Chicago: ALA Editions, 2015.")


def test_simple_and_detailed_text_and_export():
    r = cnmarc_book("中文文献编目规则", isbn="978-7-5013-4441-3", year=2005)
    assert simple_text(r) == "中文文献编目规则 / 张三著. — 北京 : 国家图书馆出版社, 2005\nISBN 978-7-5013-4441-3"
    assert "出版发行：北京 : 国家图书馆出版社, 2005" in detailed_text(r, "zh")
    assert "Publication: 北京 : 国家图书馆出版社, 2005" in detailed_text(r, "en")
    w = marc21_book("RDA", isbn="0-8389-1234-6")
    text = export([(1, r, "book", 2005), (2, w, "book", 2019)], "simple", "en")
    assert text.startswith("1. 中文文献编目规则") and "\n\n2. RDA" in text and "ISBN 0-8389-1234-6" in text
    assert export([(7, r, "book", 2005)], "detailed", "en").startswith("Record 7\n")


def test_only_web_addresses_are_safe_links():
    assert safe_url("https://example.org/a?b=1") and safe_url("HTTP://EXAMPLE.ORG")
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "ftp://x.org/", "//evil.org",
                'http://x.org/"onmouseover=1', "http://", None, ""):
        assert not safe_url(bad), bad
