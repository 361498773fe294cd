"""Scoring rules of every question type at their edges (question_bank/README.md), pure."""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from app.questions import checkers, marc_task
from app.questions.bankfiles import load_bank
from app.questions.checkers import CHECKERS, Checker, Outcome, checker_for, register

D = Decimal


def choices(keys="ABCD"):
    return [{"key": k, "text": f"choice {k}", "text_en": None} for k in keys]


SINGLE = ({"text": "哪个字段？", "text_en": "Which field?", "choices": choices()},
          {"answer": "B", "explanation": "因为", "explanation_en": "Because", "source": "CNMARC"})
MULTI = ({"text": "哪些？", "text_en": None, "choices": choices(), "partial_credit": "each_correct"},
         {"answer": ["A", "B", "C"], "explanation": "x", "explanation_en": None, "source": "s"})
TF = ({"text": "对吗？", "text_en": None}, {"answer": True, "explanation": "x", "source": "s"})
FILL = ({"text": "______ 字段", "text_en": None},
        {"answer": ["690", "690字段", "$a"], "explanation": "x", "source": "s"})


def score(qtype, item, response, points, **kw) -> Outcome:
    content, key = item
    return checker_for(qtype).score(content, key, response, points, **kw)


# ------------------------------------------------------------------ registry and Outcome

def test_registry_holds_the_five_types():
    assert set(CHECKERS) == {"single", "multiple", "truefalse", "fill", "marc_task"}
    assert checker_for("single") is CHECKERS["single"]
    with pytest.raises(ValueError, match="unknown question type"):
        checker_for("essay")


def test_register_adds_a_type_and_refuses_a_second_one():
    @register
    class Essay(Checker):
        type = "essay_test"
    try:
        assert isinstance(checker_for("essay_test"), Essay)
        with pytest.raises(ValueError):
            register(type("Again", (Checker,), {"type": "essay_test"}))
    finally:
        del CHECKERS["essay_test"]


def test_outcome_is_frozen_and_json_safe():
    outcome = score("multiple", MULTI, ["A", "B"], 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.score = D(4)
    assert json.loads(json.dumps(outcome.to_dict()))["score"] == "2.67"


# ------------------------------------------------------------------ single

def test_single():
    right = score("single", SINGLE, "B", 2)
    assert (right.score, right.max, right.correct, right.answered) == (D("2.00"), D("2.00"), True, True)
    wrong = score("single", SINGLE, "C", 2)
    assert (wrong.score, wrong.correct, wrong.answered) == (D("0.00"), False, True)
    # a paper-wide multiple-choice rule is passed to every item; other types ignore it
    assert score("single", SINGLE, "B", 2, partial_credit="all_or_nothing").score == D(2)
    assert score("truefalse", TF, True, 2, partial_credit="each_correct").score == D(2)


@pytest.mark.parametrize("response", [None, ""])
def test_single_unanswered(response):
    o = score("single", SINGLE, response, 2)
    assert (o.score, o.answered, o.correct, o.feedback["status"]) == (D(0), False, False, "unanswered")


@pytest.mark.parametrize("response, code", [(1, "wrong_type"), (["B"], "wrong_type"),
                                            ({"B": 1}, "wrong_type"), ("b", "unknown_choice"),
                                            ("E", "unknown_choice")])
def test_single_malformed_scores_zero_with_a_reason(response, code):
    o = score("single", SINGLE, response, 2)
    assert o.score == 0 and o.answered and o.feedback["status"] == "invalid"
    assert o.feedback["code"] == code and o.feedback["message"] and o.feedback["message_zh"]


def test_single_validate():
    content, key = SINGLE
    assert checker_for("single").validate(content, key) == []
    assert any("not one of the choice keys" in p
               for p in checker_for("single").validate(content, {**key, "answer": "E"}))
    assert checker_for("single").validate({**content, "partial_credit": "each_correct"}, key)
    assert checker_for("single").validate({**content, "secret": 1}, key)
    assert checker_for("single").validate({**content, "text": " "}, key)


# ------------------------------------------------------------------ multiple

@pytest.mark.parametrize("response, expected", [
    (["A", "B"], "2.67"), (["A", "B", "D"], "1.33"), (["A", "D"], "0.00"), (["A", "B", "C"], "4.00"),
    (["D"], "0.00"), (["A"], "1.33"), (["C", "B", "A"], "4.00"), (["A", "B", "C", "D"], "2.67"),
])
def test_multiple_each_correct_readme_example(response, expected):
    o = score("multiple", MULTI, response, 4)
    assert o.score == D(expected)
    assert o.correct is (set(response) == {"A", "B", "C"})


def test_multiple_each_correct_rounds_half_up():
    # 1 point, eight right keys, one selected: 0.125 -> 0.13 (half-even would give 0.12)
    content = {"text": "q", "text_en": None, "choices": choices("ABCDEFGHI"),
               "partial_credit": "each_correct"}
    key = {"answer": list("ABCDEFGH"), "explanation": "", "source": ""}
    assert checker_for("multiple").score(content, key, ["A"], 1).score == D("0.13")
    assert checker_for("multiple").score(content, key, ["A"], D("2.5")).score == D("0.31")


@pytest.mark.parametrize("response, expected", [(["A", "B", "C"], "4.00"), (["A", "B"], "0.00"),
                                                (["A", "B", "C", "D"], "0.00"), (["D"], "0.00")])
def test_multiple_all_or_nothing(response, expected):
    content, key = MULTI
    aon = ({**content, "partial_credit": "all_or_nothing"}, key)
    assert score("multiple", aon, response, 4).score == D(expected)
    # the paper's override wins over the question's own rule, both ways
    assert score("multiple", MULTI, response, 4, partial_credit="all_or_nothing").score == D(expected)
    assert score("multiple", aon, ["A", "B"], 4, partial_credit="each_correct").score == D("2.67")


def test_multiple_bad_override_is_a_programming_error():
    with pytest.raises(ValueError):
        score("multiple", MULTI, ["A"], 4, partial_credit="half")


@pytest.mark.parametrize("response, code", [("A", "wrong_type"), (["A", 1], "wrong_type"),
                                            (["A", "A"], "repeated_choice"),
                                            (["A", "E"], "unknown_choice"), ({"A"}, "wrong_type")])
def test_multiple_malformed(response, code):
    o = score("multiple", MULTI, response, 4)
    assert o.score == 0 and o.feedback["code"] == code


def test_multiple_empty_is_unanswered():
    assert score("multiple", MULTI, [], 4).answered is False


def test_multiple_validate():
    content, key = MULTI
    check = checker_for("multiple").validate
    assert check(content, key) == []
    assert any("two right and one wrong" in p for p in check(content, {**key, "answer": ["A"]}))
    assert any("two right and one wrong" in p for p in check(content, {**key, "answer": list("ABCD")}))
    assert any("not choices" in p for p in check(content, {**key, "answer": ["A", "E"]}))
    assert any("partial_credit" in p for p in check({**content, "partial_credit": "x"}, key))
    assert check(content, {**key, "answer": ["A", "A", "B"]})


# ------------------------------------------------------------------ true/false

def test_truefalse():
    assert score("truefalse", TF, True, 2).score == D("2.00")
    assert score("truefalse", TF, False, 2).score == 0
    assert score("truefalse", TF, None, 2).answered is False


@pytest.mark.parametrize("response", ["true", 1, 0, "T", [True]])
def test_truefalse_non_bool_is_malformed(response):
    o = score("truefalse", TF, response, 2)
    assert o.score == 0 and o.answered and o.feedback["code"] == "wrong_type"


def test_truefalse_validate():
    assert checker_for("truefalse").validate(*TF) == []
    assert checker_for("truefalse").validate(TF[0], {**TF[1], "answer": "true"})
    assert checker_for("truefalse").validate(TF[0], {"explanation": "x"})  # no answer


# ------------------------------------------------------------------ fill

@pytest.mark.parametrize("response, right", [
    ("690", True), ("６９０", True), (" 690 ", True), ("690 字段", True), ("６９０字段", True),
    ("＄ａ", True), ("$A", True), ("$ a", True), ("\t6\n9 0", True),
    ("690.", False), ("“690”", False), ("69", False), ("690字", False), ("a", False),
])
def test_fill_normalisation(response, right):
    o = score("fill", FILL, response, 2)
    assert o.score == (D("2.00") if right else D("0.00")) and o.answered
    assert o.correct is right


@pytest.mark.parametrize("response", [None, "", "   ", "\u3000"])
def test_fill_blank_is_unanswered(response):
    assert score("fill", FILL, response, 2).answered is False


@pytest.mark.parametrize("response", [690, ["690"], {"a": 1}])
def test_fill_non_text_is_malformed(response):
    assert score("fill", FILL, response, 2).feedback["code"] == "wrong_type"


def test_fill_validate():
    check = checker_for("fill").validate
    assert check(*FILL) == []
    assert check(FILL[0], {**FILL[1], "answer": []})
    assert check(FILL[0], {**FILL[1], "answer": [" "]})
    assert any("repeat" in p for p in check(FILL[0], {**FILL[1], "answer": ["690", "６９０"]}))
    assert check(FILL[0], {**FILL[1], "answer": "690"})


# ------------------------------------------------------------------ never an exception

WEIRD = [object(), 3.5, b"A", {"mrk": 5}, {"mrk": None, "x": 1}, [None], {"choice": 1}, -1, "A" * 10000]


@pytest.mark.parametrize("qtype, item", [("single", SINGLE), ("multiple", MULTI), ("truefalse", TF),
                                         ("fill", FILL)])
@pytest.mark.parametrize("response", WEIRD)
def test_objective_types_never_raise(qtype, item, response):
    o = score(qtype, item, response, 2)
    assert o.score == 0 or qtype == "fill"
    json.dumps(o.to_dict())


# ------------------------------------------------------------------ public view and practice

def test_public_view_is_a_copy_and_refuses_key_fields():
    content, _ = SINGLE
    view = checker_for("single").public_view(content)
    assert view == content
    view["choices"][0]["text"] = "changed"
    assert content["choices"][0]["text"] == "choice A"
    with pytest.raises(ValueError, match="key fields"):
        checker_for("single").public_view({**content, "answer": "B"})


def test_practice_feedback_in_each_language():
    content, key = SINGLE
    outcome = score("single", SINGLE, "C", 2)
    zh = checker_for("single").practice_feedback(content, key, outcome, "zh")
    en = checker_for("single").practice_feedback(content, key, outcome, "en")
    assert (zh["explanation"], en["explanation"]) == ("因为", "Because")
    assert zh["answer"] == "B" and zh["answer_text"] == ["choice B"] and zh["correct"] is False
    assert zh["source"] == "CNMARC"
    json.dumps(zh)
    fill = checker_for("fill").practice_feedback(*FILL, score("fill", FILL, "x", 2), "en")
    assert fill["explanation"] == "x"  # no English explanation: the Chinese one is shown


# ------------------------------------------------------------------ MARC tasks

@pytest.fixture(scope="module")
def tasks():
    return {s.code: s for s in load_bank() if s.type == "marc_task"}


def task_score(spec, response, points=20):
    return checker_for("marc_task").score(spec.content, spec.key, response, points)


def test_reference_scores_full_points(tasks):
    for spec in tasks.values():
        for i, ref in enumerate(spec.key["references"]):
            response = {"mrk": ref}
            if spec.content["kind"] == "copy":
                response["choice"] = spec.key["answer"]
            o = task_score(spec, response)
            assert o.score == D("20.00"), (spec.code, i)
            assert o.feedback["status"] == "graded" and o.feedback["score"] == 100
            assert o.feedback["reference_index"] == i and o.correct is None


def test_flawed_record_scores_less(tasks):
    spec = tasks["cn-corr-01"]
    o = task_score(spec, {"mrk": spec.content["start"]})
    assert D(0) < o.score < D(20) and o.answered
    assert o.score == (D(20) * D(str(o.feedback["score"])) / 100).quantize(D("0.01"))
    assert any(f["deductions"] for f in o.feedback["fields"])


def test_crlf_and_blank_lines_around_the_record_do_not_matter(tasks):
    spec = tasks["en-orig-01"]
    text = "\n\n" + spec.key["references"][0].replace("\n", "\r\n") + "\r\n\r\n"
    assert task_score(spec, {"mrk": text}).score == D("20.00")


@pytest.mark.parametrize("mrk, code", [
    ("garbage", "mrk_no_leader"), ("=LDR  00000nam", "mrk_bad_line"),
    ("=LDR  00000nam0 2200000   450 \n=200  1\\$a题名\n\n=LDR  00000nam0 2200000   450 ", "mrk_several"),
    ("=LDR  00000nam0 2200000   450 \n200 no equals sign", "mrk_bad_line"),
])
def test_garbage_record_scores_zero_with_the_parse_message(tasks, mrk, code):
    o = task_score(tasks["cn-orig-01"], {"mrk": mrk})
    assert o.score == 0 and o.answered and o.feedback["status"] == "invalid"
    assert o.feedback["code"] == code and o.feedback["message"]


@pytest.mark.parametrize("response", [None, {}, {"mrk": ""}, {"mrk": "  \n "}])
def test_empty_task_response_is_unanswered(tasks, response):
    o = task_score(tasks["cn-orig-01"], response)
    assert o.score == 0 and o.answered is False


@pytest.mark.parametrize("response, code", [
    ("=LDR", "wrong_type"), ({"mrk": 5}, "wrong_type"), ({"mrk": "x", "extra": 1}, "unknown_keys"),
    ({"mrk": "x", "choice": "cand-1.mrk"}, "unknown_keys"),
])
def test_malformed_task_response(tasks, response, code):
    o = task_score(tasks["cn-orig-01"], response)
    assert o.score == 0 and o.feedback["code"] == code


def test_copy_task(tasks):
    spec = tasks["cn-copy-01"]
    answer = spec.key["answer"]
    wrong = next(c for c in spec.content["candidates"] if c["name"] != answer)
    # the wrong record, even typed perfectly as the reference: 0 and nothing graded
    o = task_score(spec, {"choice": wrong["name"], "mrk": spec.key["references"][0]})
    assert o.score == 0 and o.answered and o.feedback["code"] == "wrong_choice"
    assert "fields" not in o.feedback
    # the right record kept as it is
    assert task_score(spec, {"choice": answer}).score == D("20.00")
    # the right record, spoilt while editing
    edited = spec.key["references"][0].replace("信息检索教程", "信息检索")
    assert task_score(spec, {"choice": answer, "mrk": edited}).score < D(20)
    assert task_score(spec, {"choice": "cand-9.mrk"}).feedback["code"] == "unknown_choice"
    assert task_score(spec, {"mrk": spec.key["references"][0]}).feedback["code"] == "no_choice"
    assert task_score(spec, {"choice": None, "mrk": ""}).answered is False


def test_grader_is_prepared_once_per_references(tasks):
    spec = tasks["cn-orig-03"]
    checker = checker_for("marc_task")
    first = checker.grader_for(spec.key, "cnmarc_book")
    copy = json.loads(json.dumps(spec.key))  # equal texts, other objects
    assert checker.grader_for(copy, "cnmarc_book") is first
    assert checker.grader_for(tasks["cn-orig-04"].key, "cnmarc_book") is not first
    before = marc_task._grader.cache_info().hits
    task_score(spec, {"mrk": spec.key["references"][0]})
    assert marc_task._grader.cache_info().hits > before


def test_task_validate(tasks):
    check = checker_for("marc_task").validate
    spec = tasks["cn-copy-01"]
    assert check(spec.content, spec.key) == []
    assert any("not one of the candidates" in p for p in check(spec.content, {**spec.key, "answer": "x"}))
    assert any("cannot be read" in p for p in check(spec.content, {**spec.key, "references": ["junk"]}))
    assert any("shipped rubric" in p for p in check({**spec.content, "rubric": "../../etc/passwd"}, spec.key))
    assert any("not for cnmarc" in p for p in check({**spec.content, "rubric": "marc21_book"}, spec.key))
    assert check({**spec.content, "kind": "essay"}, spec.key)
    corr = tasks["cn-corr-01"]
    assert check(corr.content, corr.key) == []
    assert any("start record" in p for p in check({**corr.content, "start": None}, corr.key))
    assert any("planted errors" in p for p in check(corr.content, {**corr.key, "errors": []}))
    orig = tasks["en-orig-01"]
    assert any("not a marc21 record" in p
               for p in check(orig.content, {**orig.key, "references": corr.key["references"]}))
    # a reference with an error-level finding (no title field) is refused
    broken = "\n".join(ln for ln in orig.key["references"][0].split("\n") if not ln.startswith("=245"))
    assert any(p.startswith("reference 1: ") for p in check(orig.content, {**orig.key, "references": [broken]}))


def test_task_public_view_hides_the_key(tasks):
    spec = tasks["cn-copy-01"]
    view = checker_for("marc_task").public_view(spec.content)
    assert not checkers.KEY_FIELDS & set(view)
    assert all(c["mrk"].startswith("=LDR") for c in view["candidates"])


def test_task_practice_feedback(tasks):
    spec = tasks["cn-corr-01"]
    outcome = task_score(spec, {"mrk": spec.content["start"]})
    zh = checker_for("marc_task").practice_feedback(spec.content, spec.key, outcome, "zh")
    en = checker_for("marc_task").practice_feedback(spec.content, spec.key, outcome, "en")
    assert zh["reference"] == spec.key["references"][0]
    assert [e["text"] for e in en["errors"]] == [e["en"] for e in spec.key["errors"]]
    texts_zh = [d["text"] for f in zh["fields"] for d in f["deductions"]]
    texts_en = [d["text"] for f in en["fields"] for d in f["deductions"]]
    assert texts_zh and texts_zh != texts_en
    json.dumps(zh)
    wrong = task_score(tasks["cn-copy-01"], {"choice": "cand-1.mrk"})
    copy = tasks["cn-copy-01"]
    fb = checker_for("marc_task").practice_feedback(copy.content, copy.key, wrong, "en")
    assert fb["answer"] == "cand-2.mrk" and "wrong record" in fb["message"]
