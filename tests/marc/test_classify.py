"""classify(): format, kind, level, language database and material, on real and built records."""
from __future__ import annotations

from collections import Counter

import pytest
from pymarc import Field, Record

from app.marc.classify import classify, detect_format, script_group
from app.marc.io import read_records

from .test_validate import BOOK_008, cnmarc_book, df, marc21_book, replace


def _records(marc_data, name):
    records, _damaged = read_records(marc_data / name)
    assert records
    return records


def test_jazz_is_western_marc21(marc_data):
    found = [classify(r) for r in _records(marc_data, "marc21/evergreen_jazz_1k.mrc")]
    assert Counter(c.language_group for c in found) == {"western": 1000}
    assert {c.format for c in found} == {"marc21"} and {c.kind for c in found} == {"bibliographic"}
    materials = Counter(c.material for c in found)
    assert materials["other"] > 800  # sound recordings and scores
    assert materials["book"] > 100 and materials["serial"] > 0


def test_chinese_cnmarc_books(marc_data):
    for name in ("unimarc/dp2_sru_cnmarcxml.xml", "unimarc/dp2_sru_unimarcxml.xml"):
        found = {classify(r) for r in _records(marc_data, name)}
        assert {(c.format, c.kind, c.language_group, c.material, c.level) for c in found} == {
            ("cnmarc", "bibliographic", "chinese", "book", "full")}


def test_russian_unimarc(marc_data):
    found = {classify(r) for r in _records(marc_data, "unimarc/marcrecord_rusmarc_marcxml_1.xml")}
    assert {(c.format, c.language_group) for c in found} == {("unimarc", "russian")}


def test_authority_file(marc_data):
    found = Counter((c.format, c.kind, c.material) for c in
                    (classify(r) for r in _records(marc_data, "authority/evergreen_auth-1066.mrc")))
    assert found == {("marc21", "authority", None): 1066}


def test_holdings_records(marc_data):
    kinds = Counter(classify(r).kind for r in
                    _records(marc_data, "holdings/marc4j_sample1_bib_and_holdings.mrc"))
    assert kinds["holdings"] >= 3 and kinds["bibliographic"] >= 3 and set(kinds) == {
        "holdings", "bibliographic"}


def test_marc21_cjk_record_is_filed_by_the_language_of_the_item(marc_data):
    groups = Counter(classify(r).language_group for r in _records(marc_data, "marc21/yaz_marccol1.u8.marc"))
    assert groups["chinese"] > 0 and groups["japanese"] + groups["other"] > 0


@pytest.mark.parametrize("lang, group", [
    ("chi", "chinese"), ("jpn", "japanese"), ("rus", "russian"), ("eng", "western"),
    ("fre", "western"), ("lat", "western"), ("kor", "other"), ("ara", "other"), ("ukr", "other"),
])
def test_language_groups_from_008(lang, group):
    rec = marc21_book()
    rec["008"].data = BOOK_008.replace("eng", lang)
    assert classify(rec).language_group == group


def test_undetermined_language_falls_back_on_041_then_the_title_script():
    rec = marc21_book(df("041", "0 ", "a", "mulchieng"))
    rec["008"].data = BOOK_008.replace("eng", "mul")
    assert classify(rec).language_group == "chinese"
    rec = replace(marc21_book(), df("245", "10", "a", "東京の歴史 /", "c", "山田."))
    rec["008"].data = BOOK_008.replace("eng", "und")
    assert classify(rec).language_group == "japanese"
    assert script_group("Война и мир") == "russian" and script_group("中国") == "chinese"
    assert script_group("Jazz") == "western" and script_group("123") is None


def test_material_rules():
    assert classify(marc21_book()).material == "book"
    old = marc21_book()
    old["008"].data = BOOK_008.replace("s2020", "s1850")
    assert classify(old).material == "ancient"
    old["008"].data = BOOK_008.replace("s2020", "s19uu")
    assert classify(old).material == "book"  # not certainly before 1912
    assert classify(marc21_book(leader="00000nas a2200000 a 4500")).material == "serial"
    assert classify(marc21_book(leader="00000nmm a2200000 a 4500")).material == "electronic"
    online = marc21_book()
    online["008"].data = BOOK_008[:23] + "o" + BOOK_008[24:]
    assert classify(online).material == "electronic"
    assert classify(marc21_book(leader="00000njm a2200000 a 4500")).material == "other"


def test_cnmarc_ancient_book_and_serial():
    assert classify(cnmarc_book()).material == "book"
    assert classify(cnmarc_book(a100="20020204d1890    em y0chiy0120    ea")).material == "ancient"
    serial = cnmarc_book()
    serial.leader = "00000nas0 2200000   450 "
    assert classify(serial).material == "serial"


def test_format_detection():
    assert detect_format(marc21_book()) == "marc21"
    assert detect_format(cnmarc_book()) == "cnmarc"
    plain = cnmarc_book(drop=("690",))
    plain["801"]["a"] = "FR"
    plain["100"]["a"] = "20020204d1994    em y0frey0103    ba"
    assert detect_format(plain) == "unimarc"
    no_title = cnmarc_book(drop=("200",))
    assert detect_format(no_title) == "cnmarc"  # 100$a of 36 characters decides


def test_level_from_leader_17_and_from_field_presence():
    assert classify(marc21_book()).level == "full"
    assert classify(marc21_book(leader="00000nam a22000007a 4500")).level == "basic"
    unknown = marc21_book(leader="00000nam a2200000za 4500")
    assert classify(unknown).level == "full"  # every full-level element is there
    unknown = marc21_book(leader="00000nam a2200000za 4500", drop=("300",))
    assert classify(unknown).level == "basic"
    dashed = cnmarc_book()
    dashed.leader = "01576nam0-2200409---4500"
    assert classify(dashed).level == "full"


def test_authority_built_records():
    rec = Record(leader="00000nz  a2200000n  4500")
    rec.add_field(Field("008", data=" " * 40), df("040", "  ", "a", "DLC", "b", "eng"),
                  df("100", "1 ", "a", "Lu, Xun"))
    c = classify(rec)
    assert (c.format, c.kind, c.level, c.language_group, c.material) == (
        "marc21", "authority", "full", "western", None)
    uni = Record(leader="00000nx  a2200000   450 ")
    uni.add_field(df("100", "  ", "a", "20200101achiy0120    ea0"), df("200", " 0", "a", "鲁迅"))
    c = classify(uni)
    assert (c.format, c.kind, c.language_group) == ("cnmarc", "authority", "chinese")
