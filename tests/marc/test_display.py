from hypothesis import given, settings, strategies as st
from pymarc import Record

from app.marc.display import brief, detailed, field_line, marc_view, record_flavour
from app.marc.display_cnmarc import (description, isbd_010, isbd_200, isbd_205, isbd_210,
                                     isbd_215, isbd_225)

from ._grade_records import (cf, cnmarc_book, df, dp2_cnmarc_records, marc21_book,
                             marc21_file_records)


# --- CNMARC: punctuation generated from subfield codes ----------------------------------------

def test_200_separators_by_code():
    f = df("200", "1 ", ("a", "红楼梦"), ("b", "专著"), ("d", "A dream of red mansions"),
           ("z", "eng"), ("e", "校注本"), ("f", "曹雪芹著"), ("g", "脂砚斋评"))
    assert isbd_200(f) == "红楼梦 [专著] = A dream of red mansions : 校注本 / 曹雪芹著 ; 脂砚斋评"


def test_200_repeated_a_title_by_another_author_and_parts():
    f = df("200", "1 ", ("a", "甲"), ("a", "乙"), ("f", "张三著"), ("c", "丙"), ("f", "李四著"))
    assert isbd_200(f) == "甲 ; 乙 / 张三著. 丙 / 李四著"
    f = df("200", "1 ", ("a", "中国通史"), ("h", "第二卷"), ("i", "秦汉"))
    assert isbd_200(f) == "中国通史. 第二卷, 秦汉"
    f = df("200", "1 ", ("a", "中国通史"), ("i", "秦汉"))
    assert isbd_200(f) == "中国通史. 秦汉"


def test_200_pinyin_not_shown_and_keyed_punctuation_not_doubled():
    f = df("200", "1 ", ("a", "书名 :"), ("A", "shu ming"), ("e", "副题 /"), ("f", "张三著"),
           ("F", "zhang san zhu"))
    assert isbd_200(f) == "书名 : 副题 / 张三著"


def test_205_210_215_225_010():
    assert isbd_205(df("205", "  ", ("a", "第2版"), ("f", "张三修订"))) == "第2版 / 张三修订"
    assert isbd_210(df("210", "  ", ("a", "北京"), ("a", "上海"), ("c", "中华书局"), ("d", "2014"))) \
        == "北京 ; 上海 : 中华书局, 2014"
    assert isbd_210(df("210", "  ", ("a", "北京"), ("c", "某出版社"), ("d", "2014"), ("e", "廊坊"),
                       ("g", "某印刷厂"))) == "北京 : 某出版社, 2014 (廊坊 : 某印刷厂)"
    assert isbd_215(df("215", "  ", ("a", "422页"), ("c", "图"), ("d", "27cm"), ("e", "光盘1张"))) \
        == "422页 : 图 ; 27cm + 光盘1张"
    assert isbd_225(df("225", "2 ", ("a", "中国发展报告书"), ("v", "3"))) == "(中国发展报告书 ; 3)"
    assert isbd_010(df("010", "  ", ("a", "7-5037-1744-0"), ("b", "精装"), ("d", "CNY68.00"))) \
        == "ISBN 7-5037-1744-0 (精装) : CNY68.00"


def test_description_joins_areas():
    text = description(cnmarc_book())
    assert text == ("中国发展报告 : 中国的“十二五” / 国家统计局编. -- 北京 : 中国统计出版社, 2014. -- "
                    "422页 : 图 ; 27cm. -- (中国发展报告书)")


def test_cnmarc_detailed_rows():
    rows = detailed(cnmarc_book())
    labels = [r[1] for r in rows]
    assert all(len(r) == 3 and r[0] and r[1] and r[2] for r in rows)
    assert labels[0] == "Title and statement of responsibility"
    assert ("主题", "Subject", "经济发展--概况--中国") in rows
    assert ("中图分类号", "CLC number", "F124") in rows
    assert ("责任者", "Name", "张塞 主编") in rows
    assert ("ISBN", "ISBN", "ISBN 978-7-5037-7069-2 : CNY88.00") in rows
    assert ("提要", "Summary", "本书分析了中国经济与社会发展的主要情况，并附有统计资料。") in rows


def test_cnmarc_brief():
    assert brief(cnmarc_book()) == "中国发展报告 : 中国的“十二五” / 国家统计局编. — 北京 : 中国统计出版社, 2014"


# --- MARC 21: as catalogued ------------------------------------------------------------------

def test_marc21_brief_and_detailed():
    rec = marc21_book()
    assert brief(rec) == ("Pride and prejudice : a novel / Jane Austen ; edited by James Kinsley ; "
                          "with an introduction by Fiona Stafford. — New York : Oxford University "
                          "Press, 2015")
    rows = detailed(rec)
    assert ("题名与责任说明", "Title and statement of responsibility",
            "Pride and prejudice : a novel / Jane Austen ; edited by James Kinsley ; with an "
            "introduction by Fiona Stafford.") in rows
    assert ("主题", "Subject", "England -- Social life and customs -- 19th century -- Fiction") in rows
    assert ("语种", "Language", "eng") in rows
    assert ("主要款目", "Main entry", "Austen, Jane, 1775-1817, author.") in rows


def test_marc21_brief_falls_back_to_main_entry_and_keeps_initials():
    rec = Record()
    rec.add_field(df("100", "1 ", ("a", "Deer-Doe, J.")), df("245", "10", ("a", "Test.")),
                  df("260", "  ", ("a", "Washington, DC :"), ("b", "Library of Congress,"),
                     ("c", "1955.")))
    assert brief(rec) == "Test / Deer-Doe, J. — Washington, DC : Library of Congress, 1955"


# --- robustness and the MARC view ------------------------------------------------------------

def test_empty_and_partial_records_display():
    empty = Record()
    assert brief(empty) == "[无题名 / no title]"
    assert detailed(empty) == []
    partial = Record()
    partial.add_field(df("200", "1 ", ("f", "张三著")))
    assert brief(partial) == "[无题名 / no title] / 张三著"
    partial.add_field(df("210", "  ", ("d", "2001")))
    assert brief(partial).endswith("— 2001")


def test_field_line_and_marc_view():
    assert field_line(df("245", "10", ("a", "Title :"), ("b", "sub"))) == "245 10 $aTitle :$bsub"
    assert field_line(df("650", " 0", ("a", "Cats"))) == "650 #0 $aCats"
    assert field_line(cf("001", "abc")) == "001 abc"
    lines = marc_view(cnmarc_book()).splitlines()
    assert lines[0].startswith("LDR ")
    assert "200 1# $a中国发展报告$Azhong guo fa zhan bao gao$e中国的“十二五”$f国家统计局编" \
           "$Fguo jia tong ji ju bian" in lines
    assert len(lines) == len(cnmarc_book().fields) + 1


def test_record_flavour():
    assert record_flavour(cnmarc_book()) == "cnmarc"
    assert record_flavour(marc21_book()) == "marc21"
    only_100 = Record()
    only_100.add_field(df("100", "  ", ("a", "20140304d2014    em y0chiy50      ea")))
    assert record_flavour(only_100) == "cnmarc"
    assert record_flavour(Record()) == "marc21"


def test_real_cnmarc_records_display(marc_data):
    records = dp2_cnmarc_records(marc_data)
    assert len(records) == 10
    for rec in records:
        assert record_flavour(rec) == "cnmarc"
        line = brief(rec)
        assert "中国" in line and "/" in line
        assert "Zhong" not in line and "zhong" not in line  # pinyin never shown
        assert detailed(rec)
        assert description(rec).count(". -- ") >= 2


def test_real_marc21_records_display(marc_data):
    for rec in marc21_file_records(marc_data):
        assert record_flavour(rec) == "marc21"
        assert isinstance(brief(rec), str) and brief(rec)
        for zh, en, text in detailed(rec):
            assert zh and en and text
        assert marc_view(rec).count("\n") == len(rec.fields)


# --- any record, however odd, displays and grades -------------------------------------------

_TAGS = ["001", "008", "010", "020", "100", "101", "200", "205", "210", "215", "225", "245",
         "260", "264", "300", "330", "490", "500", "606", "650", "690", "700", "701", "711", "801",
         "880", "905", "AVA"]
_text = st.text(alphabet=st.sampled_from(list("abc XYZ中国书 :/;=.,[]-'0123456789ａ（）。$")),
                max_size=12)


@st.composite
def odd_records(draw):
    rec = Record(leader=draw(st.text(alphabet="0123456789 anmci#-", min_size=24, max_size=24)))
    for tag in draw(st.lists(st.sampled_from(_TAGS), max_size=12)):
        if tag < "010" and tag.isdigit():
            rec.add_field(cf(tag, draw(_text)))
        else:
            subs = draw(st.lists(st.tuples(st.sampled_from(list("abcdefghivxyzA4")), _text),
                                 max_size=5))
            ind = draw(st.text(alphabet=" 01#\\", min_size=2, max_size=2))
            rec.add_field(df(tag, ind, *subs))
    return rec


@settings(max_examples=150, deadline=None)
@given(odd_records())
def test_any_record_displays(rec):
    assert isinstance(brief(rec), str) and brief(rec)
    for row in detailed(rec):
        assert len(row) == 3 and all(isinstance(x, str) for x in row)
    assert marc_view(rec).startswith("LDR")


@settings(max_examples=100, deadline=None)
@given(odd_records(), st.sampled_from([cnmarc_book, marc21_book]))
def test_any_record_grades_in_range(rec, build):
    from app.marc.grade import grade
    result = grade(rec, build())
    assert 0.0 <= result.score <= 100.0
    assert grade(rec, rec).score == 100.0
