"""Rubrics: what a grading centre decides, kept as data and compiled once.

A rubric file (YAML or JSON, see app/marc/rubrics/) says which fields count and how much, what to
ignore, and how dear cosmetic slips are. Compiling it resolves defaults and tag patterns up front so
that grading a record does no dictionary merging; compiled rubrics are cached by path and mtime.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

RUBRIC_DIR = Path(__file__).resolve().parent.parent / "rubrics"
DEFAULT_RUBRICS = {"cnmarc": "cnmarc_book", "marc21": "marc21_book"}

MATCH_KINDS = {"text", "exact", "isbn", "class", "positions", "ignore"}


class RubricError(ValueError):
    pass


@dataclass(slots=True)
class Position:
    start: int
    end: int  # inclusive
    points: float
    zh: str
    en: str

    @property
    def label(self) -> str:
        return f"{self.start:02d}" if self.start == self.end else f"{self.start:02d}-{self.end:02d}"


@dataclass(slots=True)
class SubfieldSpec:
    points: float
    match: str = "text"
    zh: str = ""
    en: str = ""
    positions: tuple = ()


@dataclass(slots=True)
class Partial:
    """Share of a value's points lost for similarity s: 0 at s = 1, else floor + slope·(1-s),
    at most 1. The floor makes a one-letter typo in a title cost like OCLC's "typo in an
    indexed field" rather than nothing."""
    floor: float = 0.3
    slope: float = 2.5
    typo: float = 0.85     # similarity from which a difference is a typing error…
    typo_edits: int = 2    # …and so is any difference of this many edits or fewer
    typo_cap: float = 0.5  # a typing error never costs more than this share

    def fraction(self, s: float, typo: bool = False) -> float:
        if s >= 1.0:
            return 0.0
        f = min(1.0, self.floor + self.slope * (1.0 - s))
        return min(f, self.typo_cap) if typo else f


@dataclass(slots=True)
class FieldSpec:
    tag: str
    group: str
    weight: float
    required: bool = False
    ind: tuple = (1.0, 1.0)
    punctuation: float = 0.5
    case: float = 0.5
    spacing: float = 0.25
    diacritics: float = 1.0
    order: float = 1.0
    coding: float = 3.0  # right text, divided into subfields differently
    extra: float = 2.0
    extra_subfield: float = 0.5
    brackets: str = "punctuation"  # ignore | punctuation | significant
    subfields: dict = field(default_factory=dict)
    other: SubfieldSpec = None
    ignore_codes: frozenset = frozenset()
    positions: tuple = ()  # for control fields and the leader
    zh: str = ""
    en: str = ""
    partial: Partial = None

    def sub(self, code: str) -> SubfieldSpec | None:
        """None when the code is not graded (pinyin, linkage…)."""
        if code in self.ignore_codes:
            return None
        s = self.subfields.get(code)
        return self.other if s is None else s


class Rubric:
    def __init__(self, data: dict, source: str = "<dict>"):
        self.source = source
        self.name = str(data.get("name") or Path(source).stem)
        self.flavour = str(data.get("flavour", "marc21"))
        label = data.get("label") or {}
        self.zh = label.get("zh", self.name)
        self.en = label.get("en", self.name)
        d = dict(data.get("defaults") or {})
        self.defaults = d
        self.partial = _partial(d.get("partial"), Partial())
        self.groups = {k: (v.get("zh", k), v.get("en", k)) for k, v in (data.get("groups") or {}).items()}
        self.ignore_tags = [str(t) for t in data.get("ignore_tags") or []]
        self.ignore_nonnumeric = bool(data.get("ignore_nonnumeric", True))
        self.ignore_codes = frozenset(_codes(data.get("ignore_subfields", "")))
        self.required_min = float(d.get("required_min", 5))
        self.tag_points = float(d.get("tag", 3))
        self.families = [tuple(str(t) for t in fam) for fam in data.get("families") or []]
        self.punct_note = bool(data.get("punctuation_generated", self.flavour == "cnmarc"))
        self._exact: dict[str, FieldSpec] = {}
        self._patterns: list[tuple[str, FieldSpec]] = []
        for tag, raw in (data.get("fields") or {}).items():
            spec = self._compile_field(str(tag), raw or {})
            if "X" in spec.tag.upper():
                self._patterns.append((spec.tag.upper(), spec))
            else:
                self._exact[spec.tag] = spec
        # most specific pattern first
        self._patterns.sort(key=lambda p: p[0].count("X"))
        self._default = self._compile_field("*", {"group": d.get("default_group", "other")})
        self._spec_cache: dict[str, FieldSpec | None] = {}
        self._family_cache: dict[str, str] = {}

    # --- compilation ---------------------------------------------------------------------
    def _compile_field(self, tag: str, raw: dict) -> FieldSpec:
        d = self.defaults
        if isinstance(raw, (int, float)):
            raw = {"weight": raw}
        required = bool(raw.get("required", False))
        weight = float(raw.get("weight", d.get("field_weight", 2)))
        if required:
            weight = max(weight, self.required_min)
        ind = raw.get("ind", d.get("indicator_points", 1))
        if not isinstance(ind, (list, tuple)):
            ind = (ind, ind)
        other_pts = raw.get("other_subfields", d.get("subfield_points", 1))
        subs = {}
        for code, s in (raw.get("subfields") or {}).items():
            subs[str(code)] = _subfield(s, float(other_pts))
        ignore = set(self.ignore_codes) | set(_codes(raw.get("ignore_subfields", "")))
        for code in _codes(raw.get("grade_subfields", "")):  # un-ignore, e.g. CNMARC 410 $1
            ignore.discard(code)
        for code, s in subs.items():
            if s.match == "ignore":
                ignore.add(code)
        spec = FieldSpec(
            tag=tag,
            group=str(raw.get("group", d.get("default_group", "other"))),
            weight=weight,
            required=required,
            ind=(float(ind[0]), float(ind[1])),
            punctuation=float(raw.get("punctuation", d.get("punctuation", 0.5))),
            case=float(raw.get("case", d.get("case", 0.5))),
            spacing=float(raw.get("spacing", d.get("spacing", 0.25))),
            diacritics=float(raw.get("diacritics", d.get("diacritics", 1.0))),
            order=float(raw.get("order", d.get("order", 1.0))),
            coding=float(raw.get("coding", d.get("coding", 3.0))),
            extra=float(raw.get("extra", d.get("extra_field", 2.0))),
            extra_subfield=float(raw.get("extra_subfield", d.get("extra_subfield", 0.5))),
            brackets=str(raw.get("brackets", d.get("brackets", "punctuation"))),
            subfields=subs,
            other=SubfieldSpec(points=float(other_pts)),
            ignore_codes=frozenset(ignore),
            positions=_positions(raw.get("positions")),
            zh=str(raw.get("zh", "")),
            en=str(raw.get("en", "")),
            partial=_partial(raw.get("partial"), self.partial),
        )
        if spec.brackets not in ("ignore", "punctuation", "significant"):
            raise RubricError(f"{tag}: brackets must be ignore, punctuation or significant")
        return spec

    # --- look-ups ------------------------------------------------------------------------
    def spec_for(self, tag: str) -> FieldSpec | None:
        """The spec grading `tag`, or None if the tag is not graded at all."""
        try:
            return self._spec_cache[tag]
        except KeyError:
            pass
        spec = self._resolve(tag)
        self._spec_cache[tag] = spec
        return spec

    def _resolve(self, tag: str) -> FieldSpec | None:
        if tag in self._exact:
            return self._exact[tag]
        if tag == "LDR":  # graded only when the rubric says how, position by position
            return None
        if self.ignore_nonnumeric and tag != "LDR" and not tag.isdigit():
            return None
        if any(_tag_matches(p, tag) for p in self.ignore_tags):
            return None
        for pattern, spec in self._patterns:
            if _tag_matches(pattern, tag):
                return spec
        return self._default

    def family_of(self, tag: str) -> str:
        """Fields of one family may stand for each other at the price of a wrong tag."""
        try:
            return self._family_cache[tag]
        except KeyError:
            pass
        fam = tag
        for i, members in enumerate(self.families):
            if any(_tag_matches(p, tag) for p in members):
                fam = f"family{i}"
                break
        self._family_cache[tag] = fam
        return fam

    def group_label(self, group: str) -> tuple[str, str]:
        return self.groups.get(group, (group, group))

    def __repr__(self) -> str:
        return f"<Rubric {self.name} ({self.flavour})>"


def _tag_matches(pattern: str, tag: str) -> bool:
    pattern = pattern.upper()
    if len(pattern) != len(tag):
        return False
    return all(p == "X" or p == t for p, t in zip(pattern, tag))


def _codes(spec) -> list[str]:
    """"A-Z9" → ['A', …, 'Z', '9']; a list is taken as it is."""
    if isinstance(spec, (list, tuple)):
        return [str(c) for c in spec]
    out, s, i = [], str(spec or ""), 0
    while i < len(s):
        if i + 2 < len(s) and s[i + 1] == "-":
            out.extend(chr(o) for o in range(ord(s[i]), ord(s[i + 2]) + 1))
            i += 3
        else:
            out.append(s[i])
            i += 1
    return out


def _partial(raw, fallback: Partial) -> Partial:
    if not raw:
        return fallback
    return Partial(float(raw.get("floor", fallback.floor)), float(raw.get("slope", fallback.slope)),
                   float(raw.get("typo", fallback.typo)),
                   int(raw.get("typo_edits", fallback.typo_edits)),
                   float(raw.get("typo_cap", fallback.typo_cap)))


def _subfield(raw, default_points: float) -> SubfieldSpec:
    if isinstance(raw, (int, float)):
        return SubfieldSpec(points=float(raw))
    if raw == "ignore":
        return SubfieldSpec(points=0.0, match="ignore")
    match = str(raw.get("match", "positions" if raw.get("positions") else "text"))
    if match not in MATCH_KINDS:
        raise RubricError(f"unknown match kind {match!r}")
    return SubfieldSpec(points=float(raw.get("points", default_points)), match=match,
                        zh=str(raw.get("zh", "")), en=str(raw.get("en", "")),
                        positions=_positions(raw.get("positions")))


def _positions(raw) -> tuple:
    if not raw:
        return ()
    out = []
    for key, val in raw.items():
        key = str(key)
        if "-" in key:
            a, b = key.split("-", 1)
            start, end = int(a), int(b)
        else:
            start = end = int(key)
        if isinstance(val, (int, float)):
            val = {"points": val}
        out.append(Position(start, end, float(val.get("points", 0)), str(val.get("zh", "")),
                            str(val.get("en", ""))))
    return tuple(sorted((p for p in out if p.points > 0), key=lambda p: p.start))


# --- loading -------------------------------------------------------------------------------

_CACHE: dict[tuple, Rubric] = {}


def load_rubric(source) -> Rubric:
    """A Rubric from a Rubric, a dict, a shipped rubric's name or a .yaml/.yml/.json path."""
    if isinstance(source, Rubric):
        return source
    if isinstance(source, dict):
        return Rubric(source)
    path = Path(source)
    if not path.suffix and not path.exists():
        path = RUBRIC_DIR / f"{source}.yaml"
    try:
        key = (str(path.resolve()), os.stat(path).st_mtime_ns)
    except OSError as e:
        raise RubricError(f"cannot read rubric {source}: {e.strerror}") from None
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml
            data = yaml.safe_load(text)
    except Exception as e:  # yaml and json raise different types; both mean a broken file
        raise RubricError(f"rubric {path.name} is not valid: {e}") from None
    if not isinstance(data, dict):
        raise RubricError(f"rubric {path.name} is not a mapping")
    rubric = Rubric(data, str(path))
    _CACHE[key] = rubric
    return rubric


def default_rubric(flavour: str) -> Rubric:
    return load_rubric(DEFAULT_RUBRICS.get(flavour, "marc21_book"))
