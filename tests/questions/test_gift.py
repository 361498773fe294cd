"""GIFT export/import: the bank round-trips, escaping, and a hand-written Moodle GIFT sample."""
from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

import pytest

from app.questions.bankfiles import load_bank
from app.questions.checkers import checker_for
from app.questions.formats.common import FormatError, multiple_fractions
from app.questions.formats.gift import escape, export_gift, import_gift

SAMPLE = Path(__file__).parent / "data" / "sample.gift"
META = ("code", "type", "category", "language_group", "difficulty", "tags")


@pytest.fixture(scope="module")
def objective():
    return [s for s in load_bank() if s.type != "marc_task"]


def test_every_objective_question_round_trips(objective):
    result = import_gift(export_gift(objective))
    assert result.skipped == [] and result.warnings == []
    assert len(result.items) == len(objective)
    for spec, item in zip(objective, result.items):
        assert item["content"] == spec.content, spec.code
        assert item["key"] == spec.key, spec.code
        assert {m: item[m] for m in META} == {m: getattr(spec, m) for m in META}, spec.code
        assert item["points"] is None  # GIFT has no marks: the paper sets them


def test_export_carries_code_category_and_moodle_syntax(objective):
    text = export_gift(objective[:2])
    assert "$CATEGORY: $course$/top/bianmu/cnmarc" in text
    assert "// [id:cnmarc-001]" in text and "::cnmarc-001::[html]" in text
    assert "\t=200" in text and "\t~210" in text and "\t####" in text
    blocks = [b for b in text.split("\n\n") if b.strip()]
    assert all("\n\n" not in b for b in blocks)


def test_special_characters_round_trip():
    nasty = "a ~ b = c # d { e } f : g \\ h \\n i\nnext line ##### end\\"
    item = {"code": "rules-999", "type": "single", "category": "rules", "language_group": "all",
            "difficulty": 2, "tags": ["t:1"], "points": Decimal(2),
            "content": {"text": nasty, "text_en": "<b>not bold</b> & co",
                        "choices": [{"key": "A", "text": "=x", "text_en": None},
                                    {"key": "B", "text": "~y", "text_en": "{z}"},
                                    {"key": "C", "text": "#w", "text_en": None}]},
            "key": {"answer": "B", "explanation": "why: {because}", "explanation_en": None,
                    "source": "RDA 1.7 # x"}}
    exported = export_gift([item])
    assert "\\~ b \\= c \\# d \\{ e \\} f \\: g \\\\ h \\\\n i<br>next" in exported
    back = import_gift(exported).items[0]
    assert back["content"] == item["content"] and back["key"] == item["key"]


def test_escape_matches_moodle_repchar():
    assert escape("a\\b~=#{}:\r\nc") == "a\\\\b\\~\\=\\#\\{\\}\\:\\nc"


def test_all_or_nothing_keeps_its_rule_through_a_tag(objective):
    spec = next(s for s in objective if s.type == "multiple")
    aon = {**spec.__dict__, "content": {**spec.content, "partial_credit": "all_or_nothing"}}
    text = export_gift([aon])
    assert "[tag:bianmu-partial:all_or_nothing]" in text and "~%-100%" in text
    assert import_gift(text).items[0]["content"]["partial_credit"] == "all_or_nothing"
    untagged = "\n".join(ln for ln in text.split("\n") if not ln.startswith("//"))
    assert import_gift(untagged).items[0]["content"]["partial_credit"] == "each_correct"


def test_exported_fractions_make_moodle_score_like_each_correct(objective):
    """Moodle adds the fractions of the selected answers and clamps to 0..100%."""
    checker = checker_for("multiple")
    for spec in (s for s in objective if s.type == "multiple"):
        fractions = multiple_fractions(spec.content, spec.key)
        text = export_gift([spec])
        for f in fractions.values():
            assert f"%{f.quantize(Decimal('0.00001')).normalize():f}%" in text or f == f.to_integral()
        keys = [c["key"] for c in spec.content["choices"]]
        for n in range(len(keys) + 1):
            for chosen in itertools.combinations(keys, n):
                moodle = min(Decimal(100), max(Decimal(0), sum(
                    Decimal(f"{fractions[k]:.5f}") for k in chosen)))  # as written to the file
                moodle_points = (Decimal(4) * moodle / 100).quantize(Decimal("0.01"))
                ours = checker.score(spec.content, spec.key, list(chosen), 4).score if chosen else 0
                assert moodle_points == ours, (spec.code, chosen)


def test_marc_tasks_are_not_exported():
    task = next(s for s in load_bank() if s.type == "marc_task")
    with pytest.raises(ValueError, match=task.code):
        export_gift([task])


# ------------------------------------------------------------------ a Moodle GIFT file

@pytest.fixture(scope="module")
def sample():
    return import_gift(SAMPLE.read_text(encoding="utf-8"))


def by_name(result, name):
    return next(i for i in result.items if i["name"] == name)


def test_sample_single_with_id_tags_html_and_feedback(sample):
    item = by_name(sample, "单选-ISBN")
    assert item["code"] == "cnmarc-901" and item["category"] == "cnmarc"
    assert (item["language_group"], item["difficulty"], item["tags"]) == ("chinese", 1, ["010", "ISBN"])
    assert item["content"]["text"] == "CNMARC 中，ISBN 著录在哪个字段？"
    assert [c["text"] for c in item["content"]["choices"]] == ["010", "020", "200"]
    assert item["key"] == {"answer": "A", "explanation": "010 字段 $a 著录 ISBN，$d 著录获得方式（价格）。",
                           "explanation_en": None, "source": "CNMARC 010 字段"}


def test_sample_multiple_choice_fractions(sample):
    item = by_name(sample, "多选-6XX")
    assert item["type"] == "multiple" and item["key"]["answer"] == ["A", "B"]
    assert item["content"]["partial_credit"] == "each_correct" and item["code"] is None
    lopsided = by_name(sample, "多选-分值不对称")
    assert lopsided["key"]["answer"] == ["A", "B"]
    assert any("多选-分值不对称" in w and "±100/n" in w for w in sample.warnings)


def test_sample_true_false_short_answer_and_escapes(sample):
    assert by_name(sample, "判断-101")["key"]["answer"] is True
    no = by_name(sample, "判断-无名")
    assert no["key"]["answer"] is False and no["key"]["explanation"].startswith("CALIS")
    assert no["content"]["text"] == "CNMARC 的 200 字段 $a 中应键入 ISBD 标识符“:”。"
    fill = by_name(sample, "填空-690")
    assert fill["type"] == "fill" and fill["key"]["answer"] == ["690", "690字段"]
    assert fill["content"]["text"] == "CNMARC 中著录中图法分类号的字段号是 _____ 。"
    assert any("['69']" in w for w in sample.warnings)  # the 50% answer is dropped, and said so
    escaped = by_name(sample, "转义")["content"]["text"]
    assert escaped == "GIFT 中写 { } = ~ # : 都要加反斜杠，反斜杠本身写作 \\。\n第二行。"


def test_sample_bilingual_blocks(sample):
    item = by_name(sample, "双语")
    assert item["content"]["text"] == "联合目录的查重依据是什么？"
    assert item["content"]["text_en"] == "What does the union catalogue match duplicates on?"
    assert item["content"]["choices"][1] == {"key": "B", "text": "价格", "text_en": "price"}


def test_sample_unknown_category_and_no_name(sample):
    item = next(i for i in sample.items if i["name"] is None)
    assert item["category"] is None and item["type"] == "single"
    fallback = import_gift(SAMPLE.read_text(encoding="utf-8"), category="policy")
    assert next(i for i in fallback.items if i["name"] is None)["category"] == "policy"


def test_sample_unsupported_questions_are_skipped_with_positions(sample):
    skipped = {(s.name, s.qtype): s for s in sample.skipped}
    assert set(skipped) == {("多选-只有一个对", "multiple"), ("论述", "essay"), ("数值", "numerical"),
                            ("匹配", "match"), (None, "description")}
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    essay_line = next(n for n, ln in enumerate(lines, 1) if ln.startswith("::论述::"))
    assert skipped[("论述", "essay")].position == f"line {essay_line}"
    assert "two right and one wrong" in skipped[("多选-只有一个对", "multiple")].reason
    assert len(sample.items) == 9


def test_strict_import_raises_listing_the_unsupported():
    with pytest.raises(FormatError) as info:
        import_gift(SAMPLE.read_text(encoding="utf-8"), strict=True)
    assert "论述" in str(info.value) and "[numerical]" in str(info.value) and "line " in str(info.value)


def test_unbalanced_braces_are_reported():
    result = import_gift("::x::问题 { =a ~b\n")
    assert result.items == [] and "unbalanced" in result.skipped[0].reason


def test_windows_line_ends_and_bom_read_the_same(sample):
    text = "\ufeff" + SAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n")
    again = import_gift(text)
    assert again.items == sample.items and len(again.skipped) == len(sample.skipped)
