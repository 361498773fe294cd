"""The format profiles load, are internally consistent and are what their generator makes."""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from app.marc.profiles import HERE, PROFILE_NAMES, code_lists, get_profile, profile_name_for

ROOT = Path(__file__).resolve().parents[2]
LINT_PM = Path("/usr/share/perl5/MARC/Lint.pm")


def _generator():
    spec = importlib.util.spec_from_file_location("build_profiles", ROOT / "tools" / "build_profiles.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_profile_loads_with_its_sources_named(name):
    prof = get_profile(name)
    raw = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    assert prof.name == name and prof.format in ("marc21", "unimarc", "cnmarc")
    assert prof.kind in ("bibliographic", "authority")
    assert raw["sources"] and all(len(s) > 20 for s in raw["sources"])
    assert len(prof.fields) > 50
    assert get_profile(name) is prof  # compiled once per process


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_field_rules_are_well_formed(name):
    for tag, rule in get_profile(name).fields.items():
        assert re.fullmatch(r"\d{3}", tag), tag
        assert rule.control == (tag < "010"), tag
        for allowed in (rule.ind1, rule.ind2):
            assert allowed is None or allowed <= set("0123456789 "), (tag, allowed)
        if rule.subfields is not None:
            assert rule.subfields, tag
            assert all(re.fullmatch(r"[0-9a-zA-Z]", c) for c in rule.subfields), tag
            assert all(isinstance(r, bool) for r in rule.subfields.values())


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_mandatory_elements_exist_in_the_profile(name):
    prof = get_profile(name)
    assert set(prof.levels) == {"full", "basic"}
    for mandatory, recommended in prof.levels.values():
        assert mandatory
        for req in mandatory + recommended:
            for tag, code in req.alternatives:
                rule = prof.fields[tag]
                if code:
                    assert rule.subfields is None or code in rule.subfields, req.text
    full, basic = prof.level_codes["full"], prof.level_codes["basic"]
    assert not set(full) & set(basic)


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_fixed_positions_fit_and_do_not_overlap(name):
    prof = get_profile(name)
    specs = [prof.leader, *prof.fixed.values()]
    for spec in specs:
        groups = [spec.positions, *spec.by_material.values()]
        for group in groups:
            ends = -1
            for pos in sorted(group, key=lambda p: p.start):
                assert 0 <= pos.start <= pos.end < spec.length, (spec.key, pos)
                assert pos.start > ends, (spec.key, pos.start)
                ends = pos.end
                assert pos.severity in ("error", "warning")
                assert pos.label.zh and pos.label.en


def test_raw_codes_have_the_width_of_their_position():
    for name in PROFILE_NAMES:
        raw = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
        specs = [raw["leader"], *raw["fixed"].values()]
        for spec in specs:
            for part in ("positions", "common", "books", "music", "continuing"):
                for pos in spec.get(part, ()):
                    width = pos["end"] - pos["start"] + 1
                    assert all(len(c) == width for c in pos.get("codes", ())), (name, pos)


def test_code_lists_hold_the_marc_codes():
    lists = code_lists()
    assert {"eng", "chi", "jpn", "rus", "ger"} <= lists["languages"]
    assert "scr" in lists["languages_obsolete"] and "scr" not in lists["languages"]
    assert "a-cc---" in lists["geographic_areas"]
    assert "cc " in lists["countries"] and "nyu" in lists["countries"]


def test_cnmarc_is_unimarc_plus_the_chinese_fields():
    uni, cn = get_profile("unimarc_bib"), get_profile("cnmarc_bib")
    assert set(uni.fields) < set(cn.fields)
    assert {"690", "692", "905"} <= set(cn.fields) - set(uni.fields)
    assert cn.fields["690"].subfields == {"a": False, "v": False}
    title = cn.fields["200"].subfields
    for code, repeatable in uni.fields["200"].subfields.items():
        if code.isalpha():
            assert title[code.upper()] == repeatable  # CALIS pinyin ($A for $a ...)
    assert title["9"] is True  # NLC pinyin
    assert "A" not in cn.fields["215"].subfields  # no pinyin in the physical description
    g1 = [p for p in cn.fixed["100$a"].positions if p.start == 28][0]
    assert g1.accepts("20") and not [p for p in uni.fixed["100$a"].positions if p.start == 28][0].accepts("20")


def test_local_tags_follow_each_format():
    marc, uni = get_profile("marc21_bib"), get_profile("unimarc_bib")
    assert marc.is_local("949") and marc.is_local("590") and not marc.is_local("245")
    assert uni.is_local("090") and uni.is_local("995") and not uni.is_local("200")
    assert uni.is_local("AVA")  # non-numeric tags from library systems


def test_profile_chosen_by_format_and_kind():
    assert profile_name_for("marc21", "bibliographic") == "marc21_bib"
    assert profile_name_for("cnmarc", "bibliographic") == "cnmarc_bib"
    assert profile_name_for("cnmarc", "authority") == "unimarc_auth"
    assert profile_name_for("marc21", "holdings") is None
    with pytest.raises(KeyError):
        get_profile("marc22_bib")


def test_committed_profiles_are_what_the_generator_makes():
    gen = _generator()
    lint_fields = gen.parse_lint_rules(LINT_PM.read_text(encoding="utf-8")) if LINT_PM.is_file() else None
    built = {}
    for name in gen.ORDER:
        built[name] = gen.build(name, built, lint_fields)
        committed = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
        assert built[name] == committed, f"{name}.json is stale: run tools/build_profiles.py"


@pytest.mark.skipif(not LINT_PM.is_file(), reason="MARC::Lint not installed")
def test_marc21_rules_are_lints_rule_table():
    rules = _generator().parse_lint_rules(LINT_PM.read_text(encoding="utf-8"))
    prof = get_profile("marc21_bib")
    assert len(rules) > 200
    assert prof.fields["245"].ind2 == frozenset("0123456789")
    assert prof.fields["245"].subfields["a"] is False and prof.fields["245"].subfields["k"] is True
    assert prof.fields["016"].ind1 == frozenset(" 7")
    assert prof.fields["880"].linked
