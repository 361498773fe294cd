import itertools
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pymarc import Indicators, Record, Subfield

from app.marc.grade import Grader, RubricError, grade, load_rubric
from app.marc.grade.align import assign

from ._grade_records import (cnmarc_book, df, dp2_cnmarc_records, marc21_book,
                             marc21_file_records, set_sub)

BUILDERS = {"cnmarc": cnmarc_book, "marc21": marc21_book}


def _ded_codes(result):
    return [d.code for _, d in result.deductions]


# --- identity and field order ----------------------------------------------------------------

@pytest.mark.parametrize("flavour", ["cnmarc", "marc21"])
def test_identical_is_100(flavour):
    rec = BUILDERS[flavour]()
    result = grade(BUILDERS[flavour](), rec)
    assert result.score == 100.0
    assert result.reference_index == 0
    assert result.rubric == f"{flavour}_book"
    assert all(f.status == "match" and f.earned == f.possible for f in result.fields)
    assert result.deductions == []


def test_real_records_graded_against_themselves(marc_data):
    for rec in dp2_cnmarc_records(marc_data) + marc21_file_records(marc_data, limit=40):
        assert grade(rec, rec).score == 100.0


@settings(max_examples=40, deadline=None)
@given(flavour=st.sampled_from(["cnmarc", "marc21"]), seed=st.integers(0, 2**32 - 1))
def test_field_order_never_matters(flavour, seed):
    cand = BUILDERS[flavour]()
    random.Random(seed).shuffle(cand.fields)
    assert grade(cand, BUILDERS[flavour]()).score == 100.0


def test_repeated_fields_swapped_is_100():
    cand = cnmarc_book()
    i, j = [k for k, f in enumerate(cand.fields) if f.tag == "701"]
    cand.fields[i], cand.fields[j] = cand.fields[j], cand.fields[i]
    assert grade(cand, cnmarc_book()).score == 100.0


def test_repeated_subfields_are_aligned_not_positional():
    ref = cnmarc_book()
    ref.get_fields("210")[0].subfields[:0] = []
    ref["210"].subfields = [Subfield("a", "北京"), Subfield("a", "上海"), Subfield("c", "中华书局"),
                            Subfield("d", "2014")]
    cand = cnmarc_book()
    cand["210"].subfields = [Subfield("a", "上海"), Subfield("a", "北京"), Subfield("c", "中华书局"),
                             Subfield("d", "2014")]
    result = grade(cand, ref)
    assert _ded_codes(result) == ["order"]
    assert 98.5 <= result.score < 100


# --- mutations: an added error never raises the score ----------------------------------------

def _graded_fields(rec):
    return [i for i, f in enumerate(rec.fields) if f.tag not in ("001", "005", "035")]


@st.composite
def mutation_chains(draw, flavour):
    rec = BUILDERS[flavour]()
    idx = _graded_fields(rec)
    chosen = draw(st.lists(st.sampled_from(idx), min_size=1, max_size=5, unique=True))
    chain = []
    for i in chosen:
        f = rec.fields[i]
        kinds = ["delete_field", "add_field"]
        if not f.is_control_field():
            kinds += ["delete_subfield", "change_char", "change_indicator"]
        else:
            kinds += ["change_char"]
        kind = draw(st.sampled_from(kinds))
        chain.append((kind, i, draw(st.integers(0, 10**6)), draw(st.sampled_from("xyz0Q中文"))))
    return chain


def _apply(rec, mutation):
    kind, i, n, ch = mutation
    f = rec.fields[i]
    if kind == "delete_field":
        rec.fields[i] = None  # removed after the chain, so indexes stay valid
    elif kind == "add_field":
        tag = "207" if any(g is not None and g.tag == "200" for g in rec.fields) else "246"
        rec.fields.append(df(tag, "1 ", ("a", f"多余的题名 superfluous {n}")))
    elif kind == "delete_subfield" and f.subfields:
        del f.subfields[n % len(f.subfields)]
    elif kind == "change_char":
        if f.is_control_field():
            if f.data:
                p = n % len(f.data)
                f.data = f.data[:p] + ch + f.data[p + 1:]
        elif f.subfields:
            k = n % len(f.subfields)
            s = f.subfields[k]
            p = n % max(1, len(s.value))
            f.subfields[k] = Subfield(s.code, s.value[:p] + ch + s.value[p + 1:])
    elif kind == "change_indicator":
        ind = list(f.indicators)
        ind[n % 2] = ch if ch.isascii() else "9"
        f.indicators = Indicators(*ind)


def _materialise(rec):
    out = Record(leader=str(rec.leader))
    out.add_field(*[f for f in rec.fields if f is not None])
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), flavour=st.sampled_from(["cnmarc", "marc21"]))
def test_adding_an_error_never_raises_the_score(data, flavour):
    ref = BUILDERS[flavour]()
    chain = data.draw(mutation_chains(flavour))
    cand = BUILDERS[flavour]()
    previous = 100.0
    grader = Grader(ref)
    for mutation in chain:
        _apply(cand, mutation)
        result = grader.grade(_materialise(cand))
        assert 0.0 <= result.score <= 100.0
        assert result.score <= previous + 1e-9, (mutation, result.report("en"))
        previous = result.score


@settings(max_examples=40, deadline=None)
@given(data=st.data(), flavour=st.sampled_from(["cnmarc", "marc21"]))
def test_every_deduction_is_explained_and_adds_up(data, flavour):
    chain = data.draw(mutation_chains(flavour))
    cand = BUILDERS[flavour]()
    for m in chain:
        _apply(cand, m)
    result = grade(_materialise(cand), BUILDERS[flavour]())
    total = 0.0
    for fg, d in result.deductions:
        assert d.points > 0
        assert d.zh and d.en and d.zh != d.en
        assert fg.tag in d.en or d.code in ("tag", "extra_field") or fg.tag == "LDR"
        total += d.points
    assert result.score == pytest.approx(max(0.0, 100.0 - total), abs=0.06)
    for fg in result.fields:
        assert fg.status in ("match", "partial", "missing", "extra")
        if fg.status == "match":
            assert not fg.deductions and fg.earned == fg.possible
        elif fg.status in ("partial", "missing"):
            assert fg.deductions and fg.earned < fg.possible


def test_subfield_coding_error_is_not_a_wrong_title():
    ref = marc21_book()
    ref["245"].subfields = [Subfield("a", "Pride and prejudice :"), Subfield("b", "a novel /"),
                            Subfield("c", "Jane Austen.")]
    cand = marc21_book()
    cand["245"].subfields = [Subfield("a", "Pride and prejudice : a novel /"),
                             Subfield("c", "Jane Austen.")]
    result = grade(cand, ref)
    assert _ded_codes(result) == ["coding"] and result.score == 97.0
    (fg, d), = result.deductions
    assert "$ba novel /" in d.expected and "子字段划分" in d.zh
    # a typo inside the re-coded text is charged to the subfield it belongs to
    cand["245"].subfields[0] = Subfield("a", "Pride and prejudice : a nuvel /")
    result = grade(cand, ref)
    assert _ded_codes(result) == ["coding", "typo"]
    assert result.deductions[1][1].subfield == "b"
    assert 93 <= result.score < 97


# --- what costs more than what ---------------------------------------------------------------

@pytest.mark.parametrize("flavour, tag", [("cnmarc", "200"), ("marc21", "245")])
def test_wrong_title_costs_more_than_a_punctuation_slip(flavour, tag):
    ref = BUILDERS[flavour]()
    title = ref[tag]["a"]
    slip = set_sub(BUILDERS[flavour](), tag, "a", title.rstrip(" /") + " :")
    typo = set_sub(BUILDERS[flavour](), tag, "a", title[:2] + "x" + title[3:])
    wrong = set_sub(BUILDERS[flavour](), tag, "a", "A completely different book")
    s_slip, s_typo, s_wrong = (grade(c, ref).score for c in (slip, typo, wrong))
    assert s_wrong < s_typo < s_slip < 100


def test_cosmetic_slips_cost_less_than_missing_subject_or_class():
    ref = cnmarc_book()
    cosmetic = set_sub(cnmarc_book(), "215", "d", "27 cm")
    no_subject = cnmarc_book()
    no_subject.remove_field(no_subject.get_fields("606")[1])
    wrong_class = set_sub(cnmarc_book(), "690", "a", "D668")
    s = [grade(c, ref).score for c in (cosmetic, no_subject, wrong_class)]
    assert s[0] > 99 and s[1] < 95 and s[2] < 90


# --- several references ----------------------------------------------------------------------

def test_best_reference_counts():
    exact = cnmarc_book()
    other = set_sub(cnmarc_book(), "200", "a", "另一种题名")
    result = grade(cnmarc_book(), [other, exact])
    assert result.reference_index == 1
    assert result.score == 100.0
    assert result.reference_scores[0] < 100.0 and result.reference_scores[1] == 100.0
    # ties go to the first reference
    assert grade(cnmarc_book(), [exact, cnmarc_book()]).reference_index == 0


def test_grader_reuses_prepared_references():
    grader = Grader([cnmarc_book(), set_sub(cnmarc_book(), "690", "a", "F12")])
    assert grader.grade(cnmarc_book()).score == 100.0
    assert grader.grade(set_sub(cnmarc_book(), "690", "a", "F12")).reference_index == 1


def test_no_reference_is_an_error():
    with pytest.raises(ValueError):
        grade(cnmarc_book(), [])


# --- bounds ----------------------------------------------------------------------------------

@pytest.mark.parametrize("flavour", ["cnmarc", "marc21"])
def test_empty_candidate_scores_zero_not_negative(flavour):
    result = grade(Record(), BUILDERS[flavour]())
    assert result.score == 0.0
    assert any(f.status == "missing" for f in result.fields)


def test_wrong_format_candidate_stays_in_range():
    assert grade(marc21_book(), cnmarc_book()).score == 0.0
    assert 0.0 <= grade(cnmarc_book(), marc21_book()).score <= 100.0


# --- details the rubric decides --------------------------------------------------------------

def test_pinyin_local_and_system_fields_are_ignored():
    cand = cnmarc_book()
    set_sub(cand, "200", "A", "zhongguo fazhan baogao")
    set_sub(cand, "801", "c", "20991231")
    set_sub(cand, "801", "b", "PKU")
    cand.get_fields("001")[0].data = "X999"
    cand.add_field(df("905", "  ", ("a", "PKU"), ("d", "F124")), df("035", "  ", ("a", "(x)1")))
    set_sub(cand, "100", "a", "20250101d2014    em y0chiy50      ea")  # 100 $a/0-7 ignored
    assert grade(cand, cnmarc_book()).score == 100.0


def test_marc21_date_entered_and_agency_ignored():
    cand = marc21_book()
    cand.get_fields("008")[0].data = "991231" + cand.get_fields("008")[0].data[6:]
    set_sub(cand, "040", "a", "CaOONL")
    assert grade(cand, marc21_book()).score == 100.0


def test_full_width_and_spacing_variants():
    cand = set_sub(cnmarc_book(), "215", "a", "４２２页")
    assert grade(cand, cnmarc_book()).score == 100.0
    cand = set_sub(cnmarc_book(), "200", "a", "中国 发展报告")
    result = grade(cand, cnmarc_book())
    assert _ded_codes(result) == ["spacing"] and result.score >= 99.5


def test_keyed_isbd_punctuation_in_cnmarc_200_is_explained():
    result = grade(set_sub(cnmarc_book(), "200", "f", "/ 国家统计局编"), cnmarc_book())
    (fg, d), = result.deductions
    assert d.code == "punctuation" and d.points <= 0.5
    assert "系统" in d.zh and "generates" in d.en


def test_isbn_forms():
    ref = cnmarc_book()
    same_hyphenless = set_sub(cnmarc_book(), "010", "a", "9787503770692")
    assert grade(same_hyphenless, ref).score == 100.0
    ten = set_sub(cnmarc_book(), "010", "a", "7-5037-7069-4")
    result = grade(ten, ref)
    assert _ded_codes(result) == ["isbn_form"] and result.score >= 99.5
    bad = set_sub(cnmarc_book(), "010", "a", "978-7-5037-7069-3")
    result = grade(bad, ref)
    (fg, d), = result.deductions
    assert d.code == "value" and "check digit" in d.en and "校验位" in d.zh


def test_class_number_broader_narrower_and_sibling():
    ref = cnmarc_book()
    scores = {v: grade(set_sub(cnmarc_book(), "690", "a", v), ref).score
              for v in ("F124", "F12", "F124.1", "F123", "D668")}
    assert scores["F124"] == 100
    assert scores["F12"] > scores["F123"] > scores["D668"]
    assert scores["F124.1"] > scores["F123"]
    assert scores["D668"] == 88.0


def test_wrong_tag_in_family_costs_a_tag_error_not_missing_plus_extra():
    cand = cnmarc_book()
    cand.get_fields("701")[1].tag = "702"
    result = grade(cand, cnmarc_book())
    assert _ded_codes(result) == ["tag"]
    cand = marc21_book()
    cand["264"].tag = "260"
    result = grade(cand, marc21_book())
    assert "tag" in _ded_codes(result) and result.score >= 95


def test_dict_rubric_and_custom_weights():
    rubric = {"name": "tiny", "flavour": "cnmarc", "ignore_subfields": "A-Z",
              "fields": {"200": {"weight": 50, "subfields": {"a": 50}}},
              "ignore_tags": ["0XX", "1XX", "3XX", "4XX", "5XX", "6XX", "7XX", "8XX", "9XX", "2XX"]}
    # 200 is listed exactly, so the 2XX ignore pattern does not hide it
    result = grade(set_sub(cnmarc_book(), "200", "a", "完全不同"), cnmarc_book(), rubric)
    assert result.rubric == "tiny"
    assert result.score == 50.0
    assert [f.tag for f in result.fields] == ["200"]


def test_rubric_files(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"name": "j", "fields": {"245": {"weight": 10}}}), encoding="utf-8")
    assert load_rubric(str(path)).name == "j"
    bad = tmp_path / "bad.yaml"
    bad.write_text("fields: {245: {subfields: {a: {match: fuzzy}}}}", encoding="utf-8")
    with pytest.raises(RubricError):
        load_rubric(str(bad))
    with pytest.raises(RubricError):
        load_rubric(str(tmp_path / "missing.yaml"))
    assert load_rubric("cnmarc_book") is load_rubric("cnmarc_book")  # compiled once


def test_result_to_dict_is_json():
    cand = cnmarc_book()
    cand.remove_field(cand.get_fields("215")[0])
    data = json.loads(json.dumps(grade(cand, cnmarc_book()).to_dict(), ensure_ascii=False))
    assert data["score"] == 92.0
    missing = [f for f in data["fields"] if f["status"] == "missing"]
    assert missing[0]["tag"] == "215" and missing[0]["possible"] == 8.0 and missing[0]["earned"] == 0
    assert missing[0]["deductions"][0]["zh"].startswith("缺少 215 字段")
    assert {"tag", "occurrence", "earned", "possible", "status", "deductions"} <= set(data["fields"][0])
    assert {g["group"] for g in data["groups"]} >= {"title", "physical", "subjects"}


# --- the assignment --------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.integers(1, 6).flatmap(
    lambda m: st.lists(st.lists(st.floats(0, 100, allow_nan=False), min_size=m, max_size=m),
                       min_size=n, max_size=n))))
def test_assign_is_optimal(matrix):
    n, m = len(matrix), len(matrix[0])
    pairs = assign(matrix)
    assert len(pairs) == min(n, m)
    assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
    got = sum(matrix[i][j] for i, j in pairs)
    if n <= m:
        best = min(sum(matrix[i][p[i]] for i in range(n)) for p in itertools.permutations(range(m), n))
    else:
        best = min(sum(matrix[p[j]][j] for j in range(m)) for p in itertools.permutations(range(n), m))
    assert got == pytest.approx(best, abs=1e-6)
