"""What GIFT and Moodle XML share: item dicts, bilingual text, metadata kept in Moodle tags.

Moodle has no place for our second language, language group, difficulty or source, so they travel
in Moodle's own conventions (the multi-language filter's {mlang} blocks, question tags, a last
"Source:" paragraph of the general feedback) and an export imported back gives the same item.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from html.parser import HTMLParser

from ..checkers import checker_for

OBJECTIVE_TYPES = ("single", "multiple", "truefalse", "fill")
CATEGORIES = ("cnmarc", "marc21", "rules", "subject_clc", "authority", "policy")
CATEGORY_ROOT = "$course$/top/bianmu"
META = {"language_group": "bianmu-group:", "difficulty": "bianmu-difficulty:",
        "partial_credit": "bianmu-partial:"}
SOURCE = "Source: "
CODE = re.compile(r"^[a-z0-9_]+-[a-z0-9_]*\d+$")
ZH, EN = "zh_cn", "en"
_MLANG = re.compile(r"\{mlang\s+([A-Za-z_-]+)\}(.*?)\{mlang\}", re.S)
_SPAN = re.compile(r"<span\s+lang=[\"']([A-Za-z_-]+)[\"']\s+class=[\"']multilang[\"']\s*>(.*?)</span>",
                   re.S | re.I)


class FormatError(ValueError):
    """The file cannot be imported at all (or, with strict=True, holds unsupported questions)."""


@dataclass
class Skipped:
    position: str  # "line 12", "question 3 (line 40)"
    name: str | None
    qtype: str
    reason: str


@dataclass
class ImportResult:
    items: list[dict] = field(default_factory=list)   # ItemSpec-like dicts, shared shapes
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def finish(self, strict: bool) -> ImportResult:
        if strict and self.skipped:
            raise FormatError("unsupported or invalid questions: " + "; ".join(
                f"{s.position} {s.name or ''} [{s.qtype}]: {s.reason}" for s in self.skipped))
        return self


def as_item(obj) -> dict:
    """An ItemSpec (or any dataclass / mapping with the same names) as a plain dict."""
    if is_dataclass(obj):
        obj = {f.name: getattr(obj, f.name) for f in fields(obj)}
    return dict(obj)


def exportable(items) -> list[dict]:
    out = [as_item(i) for i in items]
    bad = [f"{i.get('code')} ({i.get('type')})" for i in out if i.get("type") not in OBJECTIVE_TYPES]
    if bad:
        raise ValueError(f"only {', '.join(OBJECTIVE_TYPES)} can be exported to Moodle; "
                         f"not {', '.join(bad)}")
    return out


# ------------------------------------------------------------------ bilingual text


def mlang(zh: str, en: str | None) -> str:
    """Both languages in the {mlang} syntax of Moodle's multi-language content (v2) filter."""
    if not en:
        return zh
    return f"{{mlang {ZH}}}{zh}{{mlang}}{{mlang {EN}}}{en}{{mlang}}"


def split_mlang(text: str) -> tuple[str, str | None]:
    """(Chinese, English or None). Only a text made entirely of language blocks is split."""
    for pattern in (_MLANG, _SPAN):
        blocks = pattern.findall(text)
        if blocks and not pattern.sub("", text).strip():
            by_lang = {}
            for lang, body in blocks:
                by_lang.setdefault(lang.lower().split("_")[0].split("-")[0], body)
            en = by_lang.pop("en", None)
            zh = by_lang.pop("zh", None) or next(iter(by_lang.values()), None) or en or ""
            return zh, (en if zh != en else None)
    return text, None


def feedback_text(key: dict) -> str:
    text = mlang(key.get("explanation") or "", key.get("explanation_en"))
    if key.get("source"):
        text = f"{text}\n\n{SOURCE}{key['source']}" if text else f"{SOURCE}{key['source']}"
    return text


def split_feedback(text: str) -> dict:
    """The inverse of feedback_text: a last line "Source: …" is the source."""
    text = text.strip()
    m = re.search(r"(?:\A|\n)" + re.escape(SOURCE) + r"([^\n]*)\Z", text)
    source = m.group(1).strip() if m else ""
    zh, en = split_mlang((text[:m.start()] if m else text).strip())
    return {"explanation": zh, "explanation_en": en, "source": source}


# ------------------------------------------------------------------ HTML <-> text


def text_to_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


class _Text(HTMLParser):
    BREAKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BREAKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data.replace("\r", "").replace("\n", " "))


def html_to_text(markup: str) -> str:
    """Moodle HTML as plain text: line breaks kept, tags dropped, entities decoded."""
    parser = _Text()
    # the multilang filter's spans become {mlang} blocks first, or their languages would merge
    parser.feed(_SPAN.sub(lambda m: f"{{mlang {m.group(1)}}}{m.group(2)}{{mlang}}", markup))
    parser.close()
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(parser.parts).replace("\xa0", " "))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# ------------------------------------------------------------------ metadata


def meta_tags(item: dict) -> list[str]:
    tags = [str(t) for t in item.get("tags") or []]
    content = item.get("content") or {}
    for name, prefix in META.items():
        value = content.get(name) if name == "partial_credit" else item.get(name)
        if value is not None:
            tags.append(f"{prefix}{value}")
    return tags


def read_tags(tags: list[str]) -> tuple[list[str], dict]:
    plain, meta = [], {}
    for tag in tags:
        for name, prefix in META.items():
            if tag.startswith(prefix):
                value = tag[len(prefix):].strip()
                meta[name] = int(value) if name == "difficulty" and value.isdigit() else value
                break
        else:
            plain.append(tag)
    return plain, meta


def category_path(category: str | None) -> str:
    return f"{CATEGORY_ROOT}/{category or 'imported'}"


def category_from_path(path: str | None) -> str | None:
    last = (path or "").rstrip("/").rsplit("/", 1)[-1].strip()
    return last if last in CATEGORIES else None


def pct(value: Decimal) -> str:
    """A Moodle grade percentage: 5 decimals at most, no trailing zeros (33.33333, -50, 100)."""
    text = f"{value.quantize(Decimal('0.00001')):f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def multiple_fractions(content: dict, key: dict) -> dict[str, Decimal]:
    """each_correct: +100/n for each right key, -100/n for each wrong one (Moodle adds the
    selected fractions and clamps to 0..100: the same rule). all_or_nothing has no Moodle
    equivalent; the nearest is -100 for a wrong key (any wrong choice scores 0), but leaving a
    right key out still earns its share in Moodle. The bianmu-partial tag keeps the rule."""
    answer = set(key["answer"])
    share = Decimal(100) / len(answer)
    wrong = Decimal(-100) if content.get("partial_credit") == "all_or_nothing" else -share
    return {c["key"]: share if c["key"] in answer else wrong for c in content["choices"]}


def build(result: ImportResult, position: str, name: str | None, qtype: str, *, code, tags,
          category, points, text, choices=None, answer, feedback, partial=None) -> bool:
    """Assemble an imported item in the shared shapes; validate it with its checker."""
    plain, meta = read_tags(tags)
    zh, en = split_mlang(text)
    content: dict = {"text": zh, "text_en": en}
    if choices is not None:
        content["choices"] = []
        for i, choice in enumerate(choices):
            czh, cen = split_mlang(choice)
            content["choices"].append({"key": chr(ord("A") + i), "text": czh, "text_en": cen})
    if qtype == "multiple":
        content["partial_credit"] = meta.get("partial_credit") or partial or "each_correct"
    key = {"answer": answer, **split_feedback(feedback)}
    if not code and name and CODE.match(name):
        code = name
    problems = checker_for(qtype).validate(content, key)
    if len(choices or ()) > 26:
        problems.append("more than 26 choices")
    if problems:
        result.skipped.append(Skipped(position, name, qtype, "; ".join(problems)))
        return False
    result.items.append({"code": code or None, "name": name, "type": qtype, "category": category,
                         "language_group": meta.get("language_group"),
                         "difficulty": meta.get("difficulty"), "tags": plain, "points": points,
                         "content": content, "key": key})
    return True
