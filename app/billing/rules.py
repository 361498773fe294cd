"""The fee rules the agreement knows, their parts, and the schedule in force from 2023-01-01.

Pure: no Flask, no database. A schedule version gives an amount to every (rule, part) listed here;
the centre changes amounts by creating a new version, never the list of rules (that is code: a new
rule needs the code that posts it). Labels are (Chinese, English) pairs so the PDF can use them
without a request.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

LIBRARY, SUBPROJECT = "library", "subproject"
PAYMENT, CHARGE, PERCENT, FREE = "payment", "charge", "percent", "free"


@dataclass(frozen=True)
class Part:
    code: str
    payee: str
    label: tuple[str, str]


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str  # payment | charge | percent | free
    label: tuple[str, str]
    parts: tuple[Part, ...]


def _one(code="record", label=("每条记录", "per record")):
    return (Part(code, LIBRARY, label),)


RULES: dict[str, Rule] = {r.code: r for r in (
    Rule("upload.chinese.full", PAYMENT, ("中文完全级记录", "Chinese full-level record"), _one()),
    Rule("upload.western.full", PAYMENT, ("西文完全级记录", "Western full-level record"), _one()),
    Rule("upload.japanese.full", PAYMENT, ("日文完全级记录", "Japanese full-level record"), (
        Part("library", LIBRARY, ("上传馆", "uploading library")),
        Part("conversion", SUBPROJECT, ("日文联合目录子项目转换费", "conversion fee to the Japanese sub-project")))),
    Rule("upload.chinese.basic", PAYMENT, ("中文基本级记录（不付费）", "Chinese basic-level record (unpaid)"), _one()),
    Rule("upload.western.basic", PAYMENT, ("西文基本级记录（不付费）", "Western basic-level record (unpaid)"), _one()),
    Rule("upload.japanese.basic", PAYMENT, ("日文基本级记录（不付费）", "Japanese basic-level record (unpaid)"), _one()),
    Rule("upload.russian.full_or_basic", PAYMENT, ("俄文完全级或基本级记录", "Russian full or basic record"), _one()),
    Rule("upload.minor.full_or_basic", PAYMENT, ("小语种完全级或基本级记录", "Minor-language full or basic record"), (
        Part("record", LIBRARY, ("书目记录", "record")),
        Part("cover_image", LIBRARY, ("封面图像", "cover image")))),
    Rule("upload.ancient.full", PAYMENT, ("古籍完全级记录", "Ancient book full-level record"), (
        Part("holdings", LIBRARY, ("详细馆藏记录", "detailed holdings record")),
        Part("images", LIBRARY, ("书影", "images")))),
    Rule("upload.ancient.basic", PAYMENT, ("古籍基本级记录（含详细馆藏，无书影）",
                                           "Ancient book basic-level record (detailed holdings, no images)"),
         (Part("holdings", LIBRARY, ("详细馆藏记录", "detailed holdings record")),)),
    Rule("download.over_quota", CHARGE, ("超额下载", "download beyond the free allowance"), _one()),
    Rule("download.quota_percent", PERCENT, ("免费下载额度（上传馆藏的百分比）",
                                             "free downloads (percent of uploaded holdings)"),
         (Part("percent", LIBRARY, ("百分比", "percent")),)),
    Rule("batch_isbn.match", CHARGE, ("ISBN批量套录（每条命中记录）", "batch copy by ISBN list (per matched record)"),
         _one()),
    Rule("service.client", FREE, ("编目客户端", "cataloguing client"), _one("fee", ("费用", "fee"))),
    Rule("service.plugin", FREE, ("编目插件", "cataloguing plug-in"), _one("fee", ("费用", "fee"))),
    Rule("service.annual_fee", FREE, ("年度服务费", "annual service fee"), _one("fee", ("费用", "fee"))),
)}

SCHEDULE_2023_FROM = date(2023, 1, 1)
SCHEDULE_2023_NOTE = "2023年起执行的收费标准 / The schedule in force from 2023-01-01"
SCHEDULE_2023: dict[tuple[str, str], Decimal] = {
    ("upload.chinese.full", "record"): Decimal("4.00"),
    ("upload.western.full", "record"): Decimal("4.00"),
    ("upload.japanese.full", "library"): Decimal("2.00"),
    ("upload.japanese.full", "conversion"): Decimal("2.00"),
    ("upload.chinese.basic", "record"): Decimal("0.00"),
    ("upload.western.basic", "record"): Decimal("0.00"),
    ("upload.japanese.basic", "record"): Decimal("0.00"),
    ("upload.russian.full_or_basic", "record"): Decimal("3.00"),
    ("upload.minor.full_or_basic", "record"): Decimal("3.00"),
    ("upload.minor.full_or_basic", "cover_image"): Decimal("1.00"),
    ("upload.ancient.full", "holdings"): Decimal("7.00"),
    ("upload.ancient.full", "images"): Decimal("3.00"),
    ("upload.ancient.basic", "holdings"): Decimal("4.00"),
    ("download.over_quota", "record"): Decimal("1.00"),
    ("download.quota_percent", "percent"): Decimal("120"),
    ("batch_isbn.match", "record"): Decimal("1.50"),
    ("service.client", "fee"): Decimal("0.00"),
    ("service.plugin", "fee"): Decimal("0.00"),
    ("service.annual_fee", "fee"): Decimal("0.00"),
}


def all_parts() -> list[tuple[Rule, Part]]:
    return [(rule, part) for rule in RULES.values() for part in rule.parts]


def part_of(rule: str, part: str) -> Part:
    return next(p for p in RULES[rule].parts if p.code == part)


def upload_rule(database: str | None, material: str | None, level: str | None) -> str:
    """The rule that prices an original record, from the catalogue's classification of it."""
    if material == "ancient":
        return "upload.ancient.full" if level == "full" else "upload.ancient.basic"
    if database == "russian":
        return "upload.russian.full_or_basic"
    if database in ("chinese", "western", "japanese"):
        return f"upload.{database}.{'full' if level == 'full' else 'basic'}"
    return "upload.minor.full_or_basic"


def label(code: str, lang: str = "zh") -> str:
    rule = RULES.get(code)
    if rule is None:
        return code
    return rule.label[0] if lang.startswith("zh") else rule.label[1]


def part_label(rule: str, part: str, lang: str = "zh") -> str:
    try:
        p = part_of(rule, part)
    except (KeyError, StopIteration):
        return part
    return p.label[0] if lang.startswith("zh") else p.label[1]
