"""Check a record against its format profile: structure, fixed positions and coded content.

Every finding says where (tag, 1-based occurrence, subfield, character position), how bad
('error' blocks an upload, 'warning' is for the cataloguer's attention), a stable machine code and a
message in Chinese and English. The rule tables are data (app.marc.profiles); this module walks the
record once, because bulk imports validate a million records. docs/marc-validation.md lists every
code and where we deliberately differ from MARC::Lint.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache
from typing import NamedTuple

from pymarc import Record

from .classify import detect_format, record_kind, record_level
from .profiles import Profile, get_profile, profile_name_for
from .validate_content import CONTENT_CHECKS, LinkageBook
from .validate_fixed import check_fixed, check_leader, fixed_subfields
from .validate_messages import INDICATOR_NAMES, LEVEL_NAMES, MESSAGES, show

_CONTROL_CHARS = re.compile(r"[\t\r\n]")


class Message(NamedTuple):
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Finding:
    tag: str  # "LDR" for the Leader
    occurrence: int | None  # 1-based among the fields with this tag
    subfield: str | None
    position: int | None  # first character position of fixed data; indicator number for indicators
    severity: str  # "error" | "warning"
    code: str
    params: dict = dataclass_field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def message(self) -> Message:
        """Worded on demand: a bulk import keeps findings but seldom shows them all."""
        _, zh, en = MESSAGES[self.code]
        params = {"tag": self.tag, "field": self.tag, **self.params}
        return Message(zh.format(**params), en.format(**params))

    def text(self, lang: str = "zh") -> str:
        message = self.message
        return message.en if lang.startswith("en") else message.zh

    def as_dict(self) -> dict:
        message = self.message
        return {"tag": self.tag, "occurrence": self.occurrence, "subfield": self.subfield,
                "position": self.position, "severity": self.severity, "code": self.code,
                "message": {"zh": message.zh, "en": message.en}}


class Collector:
    """Collects findings; the checks of every module report through add()."""

    __slots__ = ("findings",)

    def __init__(self):
        self.findings: list[Finding] = []

    def add(self, kind: str, tag: str, occurrence: int | None = None, subfield: str | None = None,
            position: int | None = None, severity: str | None = None, **params) -> None:
        self.findings.append(Finding(tag, occurrence, subfield, position,
                                     severity or MESSAGES[kind][0], kind, params))


@lru_cache(maxsize=1024)
def _allowed_text(values: frozenset) -> str:
    return "/".join(sorted(show(v) for v in values))


def _resolve(record: Record, profile) -> Profile | None:
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, str):
        return get_profile(profile)
    fmt = detect_format(record)
    name = profile_name_for(fmt, record_kind(record, fmt))
    return get_profile(name) if name else None


def validate(record: Record, profile: Profile | str | None = None,
             level: str | None = None) -> list[Finding]:
    """All findings for one record; the profile and level default to what the record says it is."""
    prof = _resolve(record, profile)
    out = Collector()
    if prof is None:  # holdings: no profile yet, only what is wrong in any format
        for field in record.fields:
            _generic(field, out)
        return out.findings
    if level is not None and level not in prof.levels:
        raise ValueError(f"level must be one of {', '.join(prof.levels)}, not {level!r}")
    leader = str(record.leader)
    check_leader(prof, leader, out)
    level = level or record_level(record, prof)
    counts, present = _walk_fields(record, prof, _subfield_tags(prof.name, level), leader, out)
    mandatory, recommended = prof.levels[level]
    _check_requirements(mandatory, recommended, counts, present, level, out)
    return out.findings


def _walk_fields(record, prof, wanted, leader, out):
    """One pass over the fields; returns tag counts and the subfield codes the level checks need."""
    rules_get = prof.fields.get
    checks = CONTENT_CHECKS.get(prof.format, {})
    fixed_subs = fixed_subfields(prof.name)
    main_tags = prof.main_entry_tags
    add = out.add
    counts: dict = {}
    present: dict = {}
    linked_counts: dict = {}
    links = LinkageBook() if "880" in prof.fields else None
    main_entries = []
    for field in record.fields:
        tag = field.tag
        occ = counts[tag] = counts.get(tag, 0) + 1
        rule = rules_get(tag)
        if field.control_field:
            if rule is None:
                _unknown(field, prof, tag, occ, out)
            else:
                if occ > 1 and not rule.repeatable:
                    add("field.not_repeatable", tag, occ)
                _check_control_field(field, prof, tag, occ, leader, out)
            continue
        subfields = field.subfields
        if links is not None and subfields and subfields[0].code == "6" and tag != "880":
            links.note_regular(field, tag, occ)
        if rule is None:
            _unknown(field, prof, tag, occ, out)
            continue
        if occ > 1 and not rule.repeatable:
            add("field.not_repeatable", tag, occ)
        if tag in main_tags:
            main_entries.append((tag, occ))
        if tag in wanted:
            present.setdefault(tag, set()).update(c for c, v in subfields if v.strip())
        label = tag
        if rule.linked:
            rule, label = _linked_rule(field, occ, prof.fields, linked_counts, links, out)
            if rule is None:
                continue
        ind1, ind2 = field.indicators
        if rule.ind1 is not None and ind1 not in rule.ind1:
            _bad_indicator(1, ind1, rule.ind1, tag, occ, label, out)
        if rule.ind2 is not None and ind2 not in rule.ind2:
            _bad_indicator(2, ind2, rule.ind2, tag, occ, label, out)
        if subfields:
            _check_subfields(subfields, rule.subfields, tag, occ, label, add)
        else:
            add("field.empty", tag, occ, field=label)
        check = checks.get(rule.tag)
        if check is not None:
            check(field, tag, occ, label, out, leader, record)
        if fixed_subs and tag in fixed_subs:
            for code, spec in fixed_subs[tag]:
                for value in field.get_subfields(code):
                    check_fixed(spec, value, tag, occ, code, out, leader)
    if len(main_entries) > 1:
        tag, occ = main_entries[1]
        out.add("record.multiple_main_entry", tag, occ, count=len(main_entries))
    if links is not None:
        links.report(out)
    return counts, present


def _unknown(field, prof, tag, occ, out) -> None:
    if not prof.is_local(tag):
        out.add("field.unknown", tag, occ, profile_zh=prof.title.zh, profile_en=prof.title.en)
    _generic(field, out, occ)


def _check_control_field(field, prof, tag, occ, leader, out) -> None:
    data = field.data or ""
    if "\x1f" in data:
        out.add("control.has_subfields", tag, occ)
    spec = prof.fixed.get(tag)
    if spec is not None:
        check_fixed(spec, data, tag, occ, None, out, leader)


@lru_cache(maxsize=None)
def _subfield_tags(profile_name: str, level: str) -> frozenset:
    """Tags whose subfield codes the mandatory checks of this level need to see."""
    mandatory, recommended = get_profile(profile_name).levels[level]
    return frozenset(tag for req in mandatory + recommended for tag, code in req.alternatives if code)


def _linked_rule(field, occ, rules, linked_counts, links, out):
    """An 880 takes the rules of the field its $6 names (as MARC::Lint does)."""
    six = field.get("6")
    if not six:
        out.add("linkage.missing", "880", occ)
        return None, None
    ltag = six[:3]
    label = f"880({ltag})"
    if not links.note_880(six, occ, label, out):
        return None, None
    rule = rules.get(ltag)
    if rule is None or rule.control or rule.linked:
        return None, None
    n = linked_counts[ltag] = linked_counts.get(ltag, 0) + 1
    if n > 1 and not rule.repeatable:
        out.add("field.not_repeatable", "880", occ, field=label)
    return rule, label


def _check_subfields(subfields, allowed, tag, occ, label, add) -> None:
    seen = None
    for code, value in subfields:
        if allowed is not None:
            repeatable = allowed.get(code)
            if repeatable is None:
                add("subfield.unknown", tag, occ, code, field=label, code=code)
            elif not repeatable:
                if seen is None:
                    seen = {code}
                elif code in seen:
                    add("subfield.not_repeatable", tag, occ, code, field=label, code=code)
                else:
                    seen.add(code)
        if not value or value.isspace():
            add("subfield.empty", tag, occ, code, field=label, code=code)
        elif not value.isprintable() and _CONTROL_CHARS.search(value):
            add("subfield.control_char", tag, occ, code, field=label, code=code)


def _bad_indicator(n, value, allowed, tag, occ, label, out) -> None:
    out.add("indicator.invalid", tag, occ, position=n, field=label, n=n, n_zh=INDICATOR_NAMES[n],
            value=show(value), allowed=_allowed_text(allowed))


def _generic(field, out, occ=None) -> None:
    """What is wrong in any format: subfields in a control field, empty data."""
    if field.control_field:
        if "\x1f" in (field.data or ""):
            out.add("control.has_subfields", field.tag, occ)
        return
    if not field.subfields:
        out.add("field.empty", field.tag, occ)
    for code, value in field.subfields:
        if not value or value.isspace():
            out.add("subfield.empty", field.tag, occ, code, code=code)


def _check_requirements(mandatory, recommended, counts, present, level, out) -> None:
    for reqs, kind in ((mandatory, "field.mandatory_missing"), (recommended, "field.recommended_missing")):
        for req in reqs:
            for tag, sub in req.alternatives:
                if counts.get(tag) and (sub is None or sub in present.get(tag, ())):
                    break
            else:
                _missing(req, kind, counts, level, out)


def _missing(req, kind, counts, level, out) -> None:
    tag, sub = req.alternatives[0]
    if kind == "field.mandatory_missing" and len(req.alternatives) == 1 and sub and counts.get(tag):
        out.add("subfield.mandatory_missing", tag, 1, sub, code=sub)
        return
    level_zh, level_en = LEVEL_NAMES[level]
    out.add(kind, tag, None, sub, what=req.text, level_zh=level_zh, level_en=level_en)
