"""Moodle XML export/import: the bank round-trips, a hand-written Moodle sample, hostile XML."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from app.questions.bankfiles import load_bank
from app.questions.formats.common import FormatError
from app.questions.formats.moodle_xml import export_moodle_xml, import_moodle_xml

SAMPLE = Path(__file__).parent / "data" / "sample.xml"
META = ("code", "type", "category", "language_group", "difficulty", "tags", "points")


@pytest.fixture(scope="module")
def objective():
    return [s for s in load_bank() if s.type != "marc_task"]


def test_every_objective_question_round_trips(objective):
    result = import_moodle_xml(export_moodle_xml(objective))
    assert result.skipped == [] and result.warnings == []
    assert len(result.items) == len(objective)
    for spec, item in zip(objective, result.items):
        assert item["content"] == spec.content, spec.code
        assert item["key"] == spec.key, spec.code
        assert {m: item[m] for m in META} == {m: getattr(spec, m) for m in META}, spec.code


def test_export_structure(objective):
    multiple = next(s for s in objective if s.type == "multiple" and len(s.key["answer"]) == 3)
    fill = next(s for s in objective if s.type == "fill")
    tf = next(s for s in objective if s.type == "truefalse")
    root = ET.fromstring(export_moodle_xml([objective[0], multiple, fill, tf]))
    assert root.tag == "quiz"
    questions = root.findall("question")
    assert [q.get("type") for q in questions][:2] == ["category", "multichoice"]
    single = questions[1]
    assert single.findtext("name/text") == single.findtext("idnumber") == "cnmarc-001"
    assert single.findtext("single") == "true" and single.findtext("defaultgrade") == "2"
    mq = next(q for q in questions if q.findtext("idnumber") == multiple.code)
    fractions = [a.get("fraction") for a in mq.findall("answer")]
    assert sorted(set(fractions)) == ["-33.33333", "33.33333"] and mq.findtext("single") == "false"
    assert "bianmu-partial:each_correct" in [t.text for t in mq.findall("tags/tag/text")]
    sq = next(q for q in questions if q.get("type") == "shortanswer")
    assert [a.findtext("text") for a in sq.findall("answer")] == fill.key["answer"]
    assert sq.findtext("usecase") == "0"
    tq = next(q for q in questions if q.get("type") == "truefalse")
    right = [a.findtext("text") for a in tq.findall("answer") if a.get("fraction") == "100"]
    assert right == [str(tf.key["answer"]).lower()]


def test_all_or_nothing_maps_wrong_choices_to_minus_100(objective):
    spec = next(s for s in objective if s.type == "multiple")
    aon = {**spec.__dict__, "content": {**spec.content, "partial_credit": "all_or_nothing"}}
    data = export_moodle_xml([aon])
    root = ET.fromstring(data)
    negative = {a.get("fraction") for a in root.iter("answer") if a.get("fraction").startswith("-")}
    assert negative == {"-100"}
    assert import_moodle_xml(data).items[0]["content"]["partial_credit"] == "all_or_nothing"


def test_marc_tasks_are_not_exported():
    task = next(s for s in load_bank() if s.type == "marc_task")
    with pytest.raises(ValueError, match="only single"):
        export_moodle_xml([task])


# ------------------------------------------------------------------ a Moodle XML file

@pytest.fixture(scope="module")
def sample():
    return import_moodle_xml(SAMPLE.read_bytes())


def by_name(result, name):
    return next(i for i in result.items if i["name"] == name)


def test_sample_single_with_multilang_spans_cdata_and_entities(sample):
    item = by_name(sample, "MARC21-245-第二指示符")
    assert item["code"] == "marc21-901" and item["category"] == "marc21"
    assert item["content"]["text"] == "245 字段第二指示符表示什么？"
    assert item["content"]["text_en"] == "What does the second indicator of 245 record?"
    assert [c["text"] for c in item["content"]["choices"]] == ["题名附加款目", "不排检字符数",
                                                                "AACR2 & RDA 的题名来源"]
    assert item["key"]["answer"] == "B" and item["key"]["source"] == "MARC 21 Bibliographic 245"
    assert item["key"]["explanation"] == "第二指示符为不排检字符数，例如 “The ” 为 4。"
    assert (item["language_group"], item["difficulty"], item["tags"]) == ("western", 2, ["245"])
    assert item["points"] == Decimal(2)


def test_sample_multiple_truefalse_shortanswer_multichoiceset(sample):
    multiple = by_name(sample, "RDA 载体字段（多选）")
    assert multiple["key"]["answer"] == ["A", "B", "C"]
    assert multiple["content"]["partial_credit"] == "each_correct" and multiple["points"] == 4
    tf = by_name(sample, "判断-264")
    assert tf["key"]["answer"] is True and tf["code"] == "marc21-902"
    assert tf["key"]["explanation"] == "264 #1 = 出版（Publication）。"
    fill = by_name(sample, "填空-编目语种")
    assert fill["key"]["answer"] == ["eng"] and fill["content"]["text"].endswith("______。")
    assert any("['en']" in w for w in sample.warnings)
    assert any("case-sensitive" in w for w in sample.warnings)
    aon = by_name(sample, "全有或全无-ISBD")
    assert aon["content"]["partial_credit"] == "all_or_nothing" and aon["key"]["answer"] == ["A", "B"]


def test_sample_skips_unsupported_with_positions(sample):
    skipped = [(s.name, s.qtype) for s in sample.skipped]
    assert skipped == [("论述-规范控制", "essay"), ("匹配-字段", "matching"),
                       ("两个满分项的单选", "multichoice"), ("数值-ISBN位数", "numerical")]
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    essay = next(s for s in sample.skipped if s.qtype == "essay")
    line = int(essay.position.split("line ")[1].rstrip(")"))
    assert lines[line - 1].strip() == '<question type="essay">'
    assert essay.position.startswith("question 8 ")
    assert len(sample.items) == 5


def test_strict_import_raises():
    with pytest.raises(FormatError, match="matching"):
        import_moodle_xml(SAMPLE.read_bytes(), strict=True)


def test_text_input_and_category_fallback():
    text = SAMPLE.read_text(encoding="utf-8").replace("/marc21", "/别的")
    result = import_moodle_xml(text, category="rules")
    assert {i["category"] for i in result.items} == {"rules"}


# ------------------------------------------------------------------ hostile XML

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="truefalse"><name><text>&lol3;</text></name></question></quiz>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="truefalse"><name><text>&xxe;</text></name>
<questiontext format="html"><text>&xxe;</text></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
</question></quiz>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE quiz SYSTEM "http://example.invalid/quiz.dtd"><quiz/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE, EXTERNAL_DTD], ids=["laughs", "xxe", "dtd"])
def test_dtds_and_entities_are_refused(data):
    with pytest.raises(FormatError, match="DTD"):
        import_moodle_xml(data)


@pytest.mark.parametrize("data, message", [
    (b"<quiz><question>", "not well-formed"),
    (b"<quiz>&undeclared;</quiz>", "not well-formed"),
    (b"<questions/>", "not <quiz>"),
    (b"", "not well-formed"),
])
def test_broken_xml_is_a_format_error(data, message):
    with pytest.raises(FormatError, match=message):
        import_moodle_xml(data)
