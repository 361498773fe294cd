"""Exam blueprints (组卷方案): what a paper draws, how long it lasts, what passes, who may sit it.

Pure (no Flask, no SQLAlchemy): a blueprint is read from `exams/*.yaml` or from the JSON stored
with an exam round, checked strictly, and turned into frozen dataclasses, so a round keeps exactly
the rules it was opened with. Every error names the key path (`sections[1].draws[0].count`) so
the person editing the YAML file finds the line at once. The format is described in docs/exams.md.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

SCOPES = ("chinese", "western", "japanese", "russian", "other", "ancient")
LEVELS = (3, 2)
ITEM_TYPES = ("single", "multiple", "truefalse", "fill", "marc_task")
CATEGORIES = ("cnmarc", "marc21", "rules", "subject_clc", "authority", "policy", "marc_task")
LANGUAGE_GROUPS = ("chinese", "western", "all")
TASK_KINDS = ("original", "correction", "copy")
PARTIAL_CREDIT = ("each_correct", "all_or_nothing")
REVIEW_SHOW = ("score_only", "per_item", "per_item_with_key")
REVIEW_WHEN = ("on_release",)
ELIGIBILITY = {"training_certificate": ("training_certificate",),
               "admin_approval": ("admin_approval",),
               "training_or_approval": ("training_certificate", "admin_approval")}
LAYOUTS = ("all_on_one_page", "one_per_page")
CENT = Decimal("0.01")
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_SECTION_CODE = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")


class BlueprintError(ValueError):
    """A blueprint that cannot be used; `where` is the key path, e.g. `sections[0].draws[1].count`."""

    def __init__(self, message: str, where: str = ""):
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.where = where


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en


@dataclass(frozen=True)
class PassMark:
    """Either absolute points or a percentage of the maximum; exactly one is set."""
    points: Decimal | None = None
    percent: Decimal | None = None

    def threshold(self, max_points: Decimal) -> Decimal:
        value = self.points if self.points is not None else max_points * self.percent / 100
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Review:
    show: str = "score_only"
    when: str = "on_release"


@dataclass(frozen=True)
class ExpertReview:
    """Scores close to the line go to the expert queue instead of standing unseen.

    An item of one of `types` is in the band when |score − points × pass_fraction| ≤ band_points;
    pass_fraction defaults to the section's pass mark ÷ its maximum. When the section total lies
    within ±section_band_points of the section pass mark, every such item goes to the queue.
    """
    types: tuple[str, ...]
    band_points: Decimal
    pass_fraction: Decimal | None = None
    section_band_points: Decimal | None = None


@dataclass(frozen=True)
class Draw:
    """Draw `count` items matching every given filter (each filter list means "any of these")."""
    count: int
    points: Decimal
    types: tuple[str, ...]
    categories: tuple[str, ...] = ()
    language_groups: tuple[str, ...] = ()
    difficulties: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    partial_credit: str | None = None
    label: Text | None = None

    def matches(self, item: Any) -> bool:
        """`item`: a PoolItem (see draw.py) or anything with those attributes."""
        return (item.type in self.types
                and (not self.categories or item.category in self.categories)
                and (not self.language_groups or item.language_group in self.language_groups)
                and (not self.difficulties or item.difficulty in self.difficulties)
                and (not self.tags or bool(set(self.tags) & set(item.tags)))
                and (not self.kinds or getattr(item, "kind", None) in self.kinds))


@dataclass(frozen=True)
class Section:
    code: str
    title: Text
    time_limit_minutes: int
    draws: tuple[Draw, ...]
    layout: str = "all_on_one_page"
    pass_mark: PassMark | None = None
    review: Review | None = None          # None: the blueprint's own
    expert_review: ExpertReview | None = None

    @property
    def max_points(self) -> Decimal:
        return sum((d.points * d.count for d in self.draws), Decimal(0))

    @property
    def item_count(self) -> int:
        return sum(d.count for d in self.draws)

    @property
    def pass_points(self) -> Decimal | None:
        return self.pass_mark.threshold(self.max_points) if self.pass_mark else None


@dataclass(frozen=True)
class Blueprint:
    code: str
    title: Text
    scope: str
    level: int
    eligibility: str
    review: Review
    sections: tuple[Section, ...]
    pass_mark: PassMark | None = None     # on the total; None: only the section marks count

    @property
    def accepted_bases(self) -> tuple[str, ...]:
        """The registration bases (models.BASES) this blueprint accepts."""
        return ELIGIBILITY[self.eligibility]

    @property
    def max_points(self) -> Decimal:
        return sum((s.max_points for s in self.sections), Decimal(0))

    @property
    def pass_points(self) -> Decimal | None:
        return self.pass_mark.threshold(self.max_points) if self.pass_mark else None

    def section(self, code: str) -> Section:
        for section in self.sections:
            if section.code == code:
                return section
        raise KeyError(code)

    def review_for(self, section_code: str) -> Review:
        return self.section(section_code).review or self.review

    def to_dict(self) -> dict:
        """JSON-ready; `load_blueprint(bp.to_dict()) == bp`. Stored with an exam round."""
        return _plain(self)

    def content_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
                              .encode()).hexdigest()


# ------------------------------------------------------------------ results and the expert band

@dataclass(frozen=True)
class SectionOutcome:
    code: str
    score: Decimal | None          # None: not sat (or not yet graded)
    max_points: Decimal
    pass_points: Decimal | None
    passed: bool


@dataclass(frozen=True)
class Outcome:
    total: Decimal
    max_points: Decimal
    pass_points: Decimal | None
    passed: bool
    sections: tuple[SectionOutcome, ...]


def evaluate(blueprint: Blueprint, section_scores: Mapping[str, Decimal | None]) -> Outcome:
    """Pass = every section sat and at or above its mark, and the total at or above the overall
    mark when there is one (no compensation between sections unless the blueprint says so)."""
    outcomes = []
    for s in blueprint.sections:
        score = section_scores.get(s.code)
        passed = score is not None and (s.pass_points is None or Decimal(score) >= s.pass_points)
        outcomes.append(SectionOutcome(s.code, None if score is None else Decimal(score),
                                       s.max_points, s.pass_points, passed))
    total = sum((o.score for o in outcomes if o.score is not None), Decimal(0))
    overall = blueprint.pass_points
    passed = all(o.passed for o in outcomes) and (overall is None or total >= overall)
    return Outcome(total, blueprint.max_points, overall, passed, tuple(outcomes))


def in_expert_band(blueprint: Blueprint, section_code: str, item_type: str,
                   points: Decimal, score: Decimal) -> bool:
    """True when this item's score is close enough to its share of the pass mark to need an expert."""
    section = blueprint.section(section_code)
    rule = section.expert_review
    if rule is None or item_type not in rule.types:
        return False
    fraction = rule.pass_fraction
    if fraction is None:
        if section.pass_points is None:
            return False
        fraction = section.pass_points / section.max_points
    return abs(Decimal(score) - Decimal(points) * fraction) <= rule.band_points


def expert_review_indexes(blueprint: Blueprint, section_code: str,
                          items: Sequence[tuple[str, Decimal, Decimal]]) -> list[int]:
    """Indexes of the items (type, points, score) of one attempt that go to the expert queue."""
    section = blueprint.section(section_code)
    rule = section.expert_review
    if rule is None:
        return []
    total = sum((Decimal(score) for _, _, score in items), Decimal(0))
    whole = (rule.section_band_points is not None and section.pass_points is not None
             and abs(total - section.pass_points) <= rule.section_band_points)
    return [i for i, (kind, points, score) in enumerate(items)
            if kind in rule.types
            and (whole or in_expert_band(blueprint, section_code, kind, points, score))]


def check_against_pool(blueprint: Blueprint, pool: Sequence[Any]) -> list[str]:
    """Problems that would stop a paper being drawn from `pool` (empty list: every draw can be met).

    `pool`: item descriptors (PoolItem, dicts or objects with code, type, category,
    language_group, difficulty, tags and, for MARC tasks, kind). Draws of one section share the
    pool without replacement, so overlapping draws are checked together.
    """
    from app.certification.draw import section_shortfalls  # draw.py imports this module
    problems: list[str] = []
    for s in blueprint.sections:
        problems.extend(section_shortfalls(s, pool))
    return problems


# ------------------------------------------------------------------ loading

def load_blueprint(source: str | Path | Mapping) -> Blueprint:
    """From a YAML file path or an already parsed mapping (e.g. the JSON kept with a round)."""
    if isinstance(source, (str, Path)):
        try:
            data = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise BlueprintError(f"not valid YAML: {exc}", str(source)) from exc
    else:
        data = source
    return _blueprint(data)


def load_blueprints(directory: str | Path) -> dict[str, Blueprint]:
    """Every `*.yaml` in a directory, by code; two files with one code is an error."""
    found: dict[str, Blueprint] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        bp = load_blueprint(path)
        if bp.code in found:
            raise BlueprintError(f"code {bp.code!r} used twice", f"{path.name}: code")
        found[bp.code] = bp
    return found


def _blueprint(data: Any) -> Blueprint:
    m = _mapping(data, "", required=("code", "title", "scope", "level", "eligibility", "sections"),
                 optional=("pass_mark", "review"))
    code = _str(m["code"], "code")
    if not _CODE.match(code):
        raise BlueprintError("lower-case letters, digits and '-', at most 40", "code")
    sections_raw = m["sections"]
    if not isinstance(sections_raw, list) or not sections_raw:
        raise BlueprintError("a non-empty list of sections", "sections")
    sections = tuple(_section(s, f"sections[{i}]") for i, s in enumerate(sections_raw))
    seen: set[str] = set()
    for i, s in enumerate(sections):
        if s.code in seen:
            raise BlueprintError(f"section code {s.code!r} used twice", f"sections[{i}].code")
        seen.add(s.code)
    return Blueprint(
        code=code, title=_text(m["title"], "title"),
        scope=_choice(m["scope"], SCOPES, "scope"),
        level=_choice(m["level"], LEVELS, "level"),
        eligibility=_choice(m["eligibility"], tuple(ELIGIBILITY), "eligibility"),
        review=_review(m.get("review"), "review") or Review(),
        sections=sections,
        pass_mark=_pass_mark(m.get("pass_mark"), "pass_mark", sum((s.max_points for s in sections),
                                                                  Decimal(0))))


def _section(data: Any, where: str) -> Section:
    m = _mapping(data, where, required=("code", "title", "time_limit_minutes", "draws"),
                 optional=("layout", "pass_mark", "review", "expert_review"))
    code = _str(m["code"], f"{where}.code")
    if not _SECTION_CODE.match(code):
        raise BlueprintError("an upper-case letter, then up to 9 upper-case letters or digits",
                             f"{where}.code")
    minutes = _int(m["time_limit_minutes"], f"{where}.time_limit_minutes", 1, 24 * 60)
    draws_raw = m["draws"]
    if not isinstance(draws_raw, list) or not draws_raw:
        raise BlueprintError("a non-empty list of draws", f"{where}.draws")
    draws = tuple(_draw(d, f"{where}.draws[{i}]") for i, d in enumerate(draws_raw))
    max_points = sum((d.points * d.count for d in draws), Decimal(0))
    layout = m.get("layout", "all_on_one_page")
    return Section(
        code=code, title=_text(m["title"], f"{where}.title"), time_limit_minutes=minutes,
        draws=draws, layout=_choice(layout, LAYOUTS, f"{where}.layout"),
        pass_mark=_pass_mark(m.get("pass_mark"), f"{where}.pass_mark", max_points),
        review=_review(m.get("review"), f"{where}.review"),
        expert_review=_expert(m.get("expert_review"), f"{where}.expert_review", draws))


def _draw(data: Any, where: str) -> Draw:
    m = _mapping(data, where, required=("types", "count", "points"),
                 optional=("categories", "language_groups", "difficulties", "tags", "kinds",
                           "partial_credit", "label"))
    types = _list(m["types"], f"{where}.types", ITEM_TYPES, required=True)
    kinds = _list(m.get("kinds"), f"{where}.kinds", TASK_KINDS)
    if kinds and "marc_task" not in types:
        raise BlueprintError("kinds filter MARC tasks: add marc_task to types", f"{where}.kinds")
    partial = m.get("partial_credit")
    if partial is not None:
        partial = _choice(partial, PARTIAL_CREDIT, f"{where}.partial_credit")
        if "multiple" not in types:
            raise BlueprintError("only multiple-choice questions have partial credit",
                                 f"{where}.partial_credit")
    tags = m.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, (str, int)) for t in tags):
        raise BlueprintError("a list of tags", f"{where}.tags")
    return Draw(
        count=_int(m["count"], f"{where}.count", 1, 1000),
        points=_decimal(m["points"], f"{where}.points", positive=True),
        types=types,
        categories=_list(m.get("categories"), f"{where}.categories", CATEGORIES),
        language_groups=_list(m.get("language_groups"), f"{where}.language_groups",
                              LANGUAGE_GROUPS),
        difficulties=_list(m.get("difficulties"), f"{where}.difficulties", (1, 2, 3)),
        tags=tuple(str(t) for t in tags), kinds=kinds, partial_credit=partial,
        label=_text(m["label"], f"{where}.label") if m.get("label") is not None else None)


def _expert(data: Any, where: str, draws: tuple[Draw, ...]) -> ExpertReview | None:
    if data is None:
        return None
    m = _mapping(data, where, required=("types", "band_points"),
                 optional=("pass_fraction", "section_band_points"))
    types = _list(m["types"], f"{where}.types", ITEM_TYPES, required=True)
    drawn = {t for d in draws for t in d.types}
    if not set(types) & drawn:
        raise BlueprintError("none of these types is drawn in this section", f"{where}.types")
    fraction = m.get("pass_fraction")
    if fraction is not None:
        fraction = _decimal(fraction, f"{where}.pass_fraction")
        if not 0 < fraction <= 1:
            raise BlueprintError("a fraction between 0 and 1", f"{where}.pass_fraction")
    section_band = m.get("section_band_points")
    return ExpertReview(
        types=types, band_points=_decimal(m["band_points"], f"{where}.band_points"),
        pass_fraction=fraction,
        section_band_points=(_decimal(section_band, f"{where}.section_band_points")
                             if section_band is not None else None))


def _pass_mark(data: Any, where: str, max_points: Decimal) -> PassMark | None:
    if data is None:
        return None
    m = _mapping(data, where, required=(), optional=("points", "percent"))
    if len(m) != 1:
        raise BlueprintError("exactly one of points or percent", where)
    if "points" in m:
        points = _decimal(m["points"], f"{where}.points", positive=True)
        if points > max_points:
            raise BlueprintError(f"more than the maximum, {max_points}", f"{where}.points")
        return PassMark(points=points)
    percent = _decimal(m["percent"], f"{where}.percent", positive=True)
    if percent > 100:
        raise BlueprintError("a percentage above 100", f"{where}.percent")
    return PassMark(percent=percent)


def _review(data: Any, where: str) -> Review | None:
    if data is None:
        return None
    m = _mapping(data, where, required=("show",), optional=("when",))
    return Review(show=_choice(m["show"], REVIEW_SHOW, f"{where}.show"),
                  when=_choice(m.get("when", "on_release"), REVIEW_WHEN, f"{where}.when"))


# ------------------------------------------------------------------ small checkers

def _mapping(data: Any, where: str, required: Sequence[str], optional: Sequence[str]) -> dict:
    if not isinstance(data, Mapping):
        raise BlueprintError("a mapping (key: value) is expected", where or "(top)")
    prefix = f"{where}." if where else ""
    for key in data:
        if key not in required and key not in optional:
            raise BlueprintError(f"unknown key; allowed: {', '.join((*required, *optional))}",
                                 f"{prefix}{key}")
    for key in required:
        if key not in data:
            raise BlueprintError("missing", f"{prefix}{key}")
    return dict(data)


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BlueprintError("a non-empty string", where)
    return value.strip()


def _text(value: Any, where: str) -> Text:
    m = _mapping(value, where, required=("zh", "en"), optional=())
    return Text(zh=_str(m["zh"], f"{where}.zh"), en=_str(m["en"], f"{where}.en"))


def _int(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BlueprintError(f"a whole number from {low} to {high}", where)
    return value


def _decimal(value: Any, where: str, positive: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BlueprintError("a number", where)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BlueprintError("a number", where) from None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        raise BlueprintError("a positive number" if positive else "a number ≥ 0", where)
    if number != number.quantize(CENT):
        raise BlueprintError("at most two decimals", where)
    return number


def _choice(value: Any, allowed: tuple, where: str):
    if isinstance(value, bool) or value not in allowed:
        raise BlueprintError(f"one of {', '.join(map(str, allowed))}", where)
    return value


def _list(value: Any, where: str, allowed: tuple, required: bool = False) -> tuple:
    if value is None and not required:
        return ()
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not value:
        raise BlueprintError("a non-empty list", where)
    for i, v in enumerate(value):
        _choice(v, allowed, f"{where}[{i}]")
    if len(set(value)) != len(value):
        raise BlueprintError("a value is listed twice", where)
    return tuple(value)


def _num(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else str(value)


def _plain(value: Any) -> Any:
    """Dataclasses to the YAML shape (field names are the keys); unset options are left out."""
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)
                if getattr(value, f.name) not in (None, ())}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return _num(value)
    return value
