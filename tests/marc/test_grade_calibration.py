"""Calibration of the default rubrics against OCLC's Enhance evaluation scale.

OCLC reviews records out of 100: major error -25 (wrong title proper, wrong main entry, wrong
format), minor rule error -10 (filing indicators, punctuation or typos that affect indexing),
tag/indicator/subfield/fixed-field error -5, other typo or punctuation -1. Each case below is one
slip made on a realistic reference record, with the band its score must fall in. The table is
reproduced in docs/grading.md; change both together.
"""
import pytest
from pymarc import Indicators, Subfield

from app.marc.grade import grade

from ._grade_records import cnmarc_book, df, marc21_book, set_sub


def _remove(tag, occ=0):
    def f(r):
        r.remove_field(r.get_fields(tag)[occ])
    return f


def _sub(tag, code, value, occ=0):
    return lambda r: set_sub(r, tag, code, value, occ)


def _ind(tag, i1, i2, occ=0):
    def f(r):
        r.get_fields(tag)[occ].indicators = Indicators(i1, i2)
    return f


def _retag(tag, new, occ=0):
    def f(r):
        r.get_fields(tag)[occ].tag = new
    return f


def _leader(pos, ch):
    def f(r):
        s = str(r.leader)
        r.leader = s[:pos] + ch + s[pos + 1:]
    return f


def _fixed(tag, pos, text):
    def f(r):
        fld = r.get_fields(tag)[0]
        fld.data = fld.data[:pos] + text + fld.data[pos + len(text):]
    return f


def _add(field):
    return lambda r: r.add_field(field)


def _shuffle(r):
    r.fields.reverse()


def _many(*fns):
    def f(r):
        for fn in fns:
            fn(r)
    return f


# (case, builder, mutation, low, high) — the score must satisfy low <= score <= high
CNMARC_CASES = [
    ("perfect", None, 100, 100),
    ("fields in another order", _shuffle, 100, 100),
    ("pinyin ($A) romanised differently", _sub("200", "A", "zhongguo fazhan baogao"), 100, 100),
    ("full-width digits in 215 $a", _sub("215", "a", "４２２页"), 100, 100),
    ("ISBN without hyphens", _sub("010", "a", "9787503770692"), 100, 100),
    ("ISBD punctuation keyed in 200 $a", _sub("200", "a", "中国发展报告 :"), 98, 99.9),
    ("space inside the title proper", _sub("200", "a", "中国 发展报告"), 99, 99.9),
    ("ISBN-10 given for an ISBN-13", _sub("010", "a", "7-5037-7069-4"), 99, 99.9),
    ("one wrong character in the summary (330)",
     _sub("330", "a", "本书分析了中国经济与社会发展的主要情况，并附有统计资科。"), 97, 99.5),
    ("superfluous note field", _add(df("312", "  ", ("a", "封面题名:中国发展报告"))), 97, 99),
    ("701 entered as 702", _retag("701", "702", 1), 95, 98),
    ("100 $a date 1 wrong", _sub("100", "a", "20140304d2013    em y0chiy50      ea"), 95, 98),
    ("title significance indicator wrong (200 ind1)", _ind("200", "0", " "), 93, 97),
    ("translation indicator wrong (101 ind1)", _ind("101", "1", " "), 93, 97),
    ("wrong ISBN", _sub("010", "a", "978-7-5037-7068-5"), 93, 97),
    ("class number too broad (F12 for F124)", _sub("690", "a", "F12"), 93, 97),
    ("missing 215 (physical description)", _remove("215"), 85, 95),
    ("missing subject (606)", _remove("606", 1), 88, 94),
    ("missing added entry (701)", _remove("701", 1), 88, 94),
    ("publisher wrong (210 $c)", _sub("210", "c", "人民出版社"), 93, 97),
    ("one wrong character in the title proper", _sub("200", "a", "中国发展极告"), 85, 92),
    ("wrong CLC class number", _sub("690", "a", "D668"), 80, 90),
    ("type of record wrong (leader/06)", _leader(6, "l"), 85, 92),
    ("wrong title proper", _sub("200", "a", "世界经济年鉴"), 70, 80),
    ("no statement of responsibility", lambda r: r["200"].subfields.__delitem__(
        [s.code for s in r["200"].subfields].index("f")), 88, 94),
    ("several errors at once", _many(_sub("200", "a", "世界经济年鉴"), _remove("215"),
                                     _sub("690", "a", "D668"), _remove("606", 1)), 30, 55),
]

MARC21_CASES = [
    ("perfect", None, 100, 100),
    ("fields in another order", _shuffle, 100, 100),
    ("missing ISBD punctuation at the end of 245 $a", _sub("245", "a", "Pride and prejudice"),
     98, 99.9),
    ("capitalisation in the title", _sub("245", "a", "Pride and Prejudice :"), 99, 99.9),
    ("diacritic in an added entry", _sub("700", "a", "Kínsley, James,"), 98, 99.5),
    ("one typo in the summary (520)",
     _sub("520", "a", "Elizabeth Bennet meets the proud Mr Darcy, and first impresions prove "
                      "misleading."), 97, 99.5),
    ("subject subdivisions out of order",
     lambda r: setattr(r.get_fields("650")[0], "subfields",
                       [Subfield("a", "Courtship"), Subfield("v", "Fiction."),
                        Subfield("z", "England")]), 98, 99.5),
    ("other title information keyed in $a (no $b)",
     lambda r: r["245"].subfields.__setitem__(slice(0, 2), [Subfield("a", "Pride and prejudice : a novel /")]),
     95, 98),
    ("260 used for the RDA 264", _retag("264", "260"), 95, 98),
    ("language in 008/35-37 wrong", _fixed("008", 35, "fre"), 95, 98),
    ("subject thesaurus indicator wrong (650 ind2)", _ind("650", " ", "7"), 93, 97),
    ("added-entry indicator wrong (245 ind1)", _ind("245", "0", "0"), 93, 97),
    ("filing indicator wrong (245 ind2)", _ind("245", "1", "4"), 90, 94),
    ("missing 300", _remove("300"), 85, 95),
    ("missing subject (650)", _remove("650", 1), 88, 94),
    ("one typo in the title proper", _sub("245", "a", "Pride and prejudise :"), 85, 92),
    ("wrong Dewey number", _sub("082", "a", "941.07"), 88, 93),
    ("type of record wrong (leader/06)", _leader(6, "t"), 80, 90),
    ("wrong title proper", _sub("245", "a", "Sense and sensibility :"), 70, 80),
    ("wrong main entry", _sub("100", "a", "Brontë, Charlotte,"), 70, 80),
    ("main entry given as an added entry", _retag("100", "700"), 65, 80),
    ("several errors at once", _many(_sub("245", "a", "Sense and sensibility :"), _remove("300"),
                                     _sub("082", "a", "941.07"), _remove("650", 1)), 30, 55),
]


def _cases():
    for name, fn, lo, hi in CNMARC_CASES:
        yield pytest.param(cnmarc_book, fn, lo, hi, id=f"cnmarc: {name}")
    for name, fn, lo, hi in MARC21_CASES:
        yield pytest.param(marc21_book, fn, lo, hi, id=f"marc21: {name}")


def score_of(build, fn):
    cand = build()
    if fn is not None:
        fn(cand)
    return grade(cand, build())


@pytest.mark.parametrize("build, fn, lo, hi", list(_cases()))
def test_calibration_band(build, fn, lo, hi):
    result = score_of(build, fn)
    assert lo <= result.score <= hi, result.report("en")
    if result.score < 100:
        assert result.deductions, "a lost point must be explained"


def test_major_errors_cost_more_than_minor_ones():
    bands = {name: score_of(cnmarc_book, fn).score for name, fn, _, _ in CNMARC_CASES}
    assert bands["wrong title proper"] < bands["one wrong character in the title proper"] \
        < bands["ISBD punctuation keyed in 200 $a"]
    assert bands["wrong CLC class number"] < bands["class number too broad (F12 for F124)"]
    assert bands["missing subject (606)"] < bands["superfluous note field"]
