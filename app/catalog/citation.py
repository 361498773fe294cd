"""Text exports anyone may take from the OPAC: a citation, a simple text and a detailed text.

Citations of CNMARC (UNIMARC family) records follow GB/T 7714-2015, the Chinese national standard
for bibliographic references:

    主要责任者. 题名: 其他题名信息[文献类型标识]. 版本项. 出版地: 出版者, 出版年.
    张三, 李四, 王五, 等. 中文文献编目规则[M]. 2版. 北京: 国家图书馆出版社, 2005.

(at most three names, then 等; [出版地不详] / [出版者不详] stand in for what the record lacks;
M monograph, J serial, M/OL online monograph followed by its address). MARC 21 records get a plain
Western citation: Author. Title: subtitle. Edition. Place: Publisher, Year.
Pure functions over pymarc records; nothing here touches the database.
"""
from __future__ import annotations

import re

from pymarc import Record as MarcRecord

from app.marc import display

_TRAIL = re.compile(r"[\s:/;=,.]+$")
_LEAD = re.compile(r"^[\s:/;=,]+")
_BRACKETS = re.compile(r"^\[(.*)\]$")
_ROLE_WORDS = re.compile(r"(等?(主编|编著|编写|编译|编辑|编纂|编|著|撰|译|校|注|整理|绘|摄|辑))$")
TYPE_CODES = {"book": "M", "ancient": "M", "serial": "J", "electronic": "M/OL", "other": "Z"}
STYLES = ("citation", "simple", "detailed")


def _clean(value: str | None) -> str:
    return _LEAD.sub("", _TRAIL.sub("", (value or "").strip())).strip()


def _first(record: MarcRecord, tags, code: str, ind2: str | None = None) -> str:
    for f in record.get_fields(*tags):
        if f.is_control_field():
            continue
        if ind2 is not None and (f.indicators or "  ")[1] != ind2:
            continue
        for s in f.subfields:
            if s.code == code and _clean(s.value):
                return _clean(s.value)
    return ""


def _links(record: MarcRecord) -> list[str]:
    return [s.value.strip() for f in record.get_fields("856") if not f.is_control_field()
            for s in f.subfields if s.code == "u" and safe_url(s.value)]


def safe_url(url: str | None) -> bool:
    """Only web addresses become links: javascript:, data: and the like are shown as text or not at all."""
    u = (url or "").strip().lower()
    return (u.startswith("http://") or u.startswith("https://")) and len(u) > 8 and not any(
        c in u for c in ('"', "<", ">", " ", "\n", "\r", "\t"))


def _year(fallback: int | None) -> str:
    return str(fallback) if fallback else ""


# --- GB/T 7714-2015 ---------------------------------------------------------------------------------
def _cnmarc_names(record: MarcRecord) -> list[str]:
    names = []
    for f in record.get_fields("700", "701", "710", "711"):
        if f.is_control_field():
            continue
        parts = [_clean(s.value) for s in f.subfields if s.code in "ab" and _clean(s.value)]
        if parts:
            names.append("".join(parts) if all(_is_cjk_text(p) for p in parts) else ", ".join(parts))
    if not names:
        f = _first(record, ("200",), "f")
        if f:
            names = [_ROLE_WORDS.sub("", n).strip() for n in re.split(r"[，,;；、]\s*", f) if n.strip()]
            names = [n for n in names if n]
    return names


def _is_cjk_text(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


def gbt7714(record: MarcRecord, material: str | None = None, year: int | None = None) -> str:
    names = _cnmarc_names(record)
    if len(names) > 3:
        authors = ", ".join(names[:3]) + ", 等"
    else:
        authors = ", ".join(names)
    f200 = next((f for f in record.get_fields("200") if not f.is_control_field()), None)
    title, prev = "", None
    if f200 is not None:
        for s in f200.subfields:
            v = _clean(s.value)
            if not v or s.code not in "aehi":
                continue
            if s.code == "a":
                title = v if not title else f"{title}; {v}"
            elif s.code == "e":
                title += f": {v}"
            elif s.code == "h" or prev != "h":
                title += f". {v}"
            else:
                title += f", {v}"
            prev = s.code
    title = title or "[无题名]"
    code = TYPE_CODES.get(material or "book", "M")
    links = _links(record)
    if code == "M" and links and material == "electronic":
        code = "M/OL"
    edition = _first(record, ("205",), "a")
    if re.fullmatch(r"(第)?[1一]版", edition or ""):
        edition = ""  # the first edition is not cited
    place = _strip_brackets(_first(record, ("210", "214"), "a")) or "出版地不详"
    publisher = _strip_brackets(_first(record, ("210", "214"), "c")) or "出版者不详"
    date = _first(record, ("210", "214"), "d") or _year(year)
    if place == "出版地不详":
        place = "[出版地不详]"
    if publisher == "出版者不详":
        publisher = "[出版者不详]"
    out = f"{authors}. " if authors else ""
    out += f"{title}[{code}]."
    if edition:
        out += f" {edition}."
    out += f" {place}: {publisher}"
    if date:
        out += f", {date}" + ("-" if code == "J" and not date.endswith("-") else "")
    out += "."
    if code.endswith("/OL") and links:
        out += f" {links[0]}."
    return out


def _strip_brackets(value: str) -> str:
    m = _BRACKETS.match(value or "")
    return m.group(1).strip() if m else (value or "")


# --- plain Western citation --------------------------------------------------------------------------
def _marc21_names(record: MarcRecord) -> list[str]:
    names = []
    for f in record.get_fields("100", "110", "111", "700", "710", "711"):
        if f.is_control_field():
            continue
        parts = [_clean(s.value) for s in f.subfields if s.code in "abq" and _clean(s.value)]
        if parts:
            names.append(" ".join(parts))
    return names


def western(record: MarcRecord, material: str | None = None, year: int | None = None) -> str:
    names = _marc21_names(record)
    if len(names) > 3:
        authors = "; ".join(names[:3]) + " et al"
    else:
        authors = "; ".join(names)
    f245 = next((f for f in record.get_fields("245") if not f.is_control_field()), None)
    title = ""
    if f245 is not None:
        a = _clean(f245.get("a"))
        b = _clean(f245.get("b"))
        parts = [_clean(s.value) for s in f245.subfields if s.code in "np" and _clean(s.value)]
        title = a + (f": {b}" if b else "") + "".join(f". {p}" for p in parts)
    title = title or "[No title]"
    edition = _first(record, ("250",), "a")
    imprint = None
    for tag, ind2 in (("264", "1"), ("260", None), ("264", None)):
        place = _first(record, (tag,), "a", ind2)
        if place or _first(record, (tag,), "b", ind2):
            imprint = (place, _first(record, (tag,), "b", ind2), _first(record, (tag,), "c", ind2))
            break
    place, publisher, date = imprint or ("", "", "")
    date = re.sub(r"[^\d\-?\[\]c©]", "", date).strip("[]") if date else ""
    date = date or _year(year)
    out = f"{authors}. " if authors else ""
    out += f"{title}."
    if edition:
        out += f" {edition}."
    pub = _strip_brackets(place) or "[S.l.]"
    pub += f": {_strip_brackets(publisher) or '[s.n.]'}"
    if date:
        pub += f", {date}"
    out += f" {pub}."
    links = _links(record)
    if links and material == "electronic":
        out += f" {links[0]}."
    return out.replace("..", ".")


# --- the exports ----------------------------------------------------------------------------------
def citation(record: MarcRecord, material: str | None = None, year: int | None = None) -> str:
    if display.record_flavour(record) == "cnmarc":
        return gbt7714(record, material, year)
    return western(record, material, year)


def simple_text(record: MarcRecord) -> str:
    """The brief line, and the standard numbers a library matches on."""
    lines = [display.brief(record)]
    flavour = display.record_flavour(record)
    tags = {"isbn": ("010",), "issn": ("011",)} if flavour == "cnmarc" else {"isbn": ("020",), "issn": ("022",)}
    isbns = [_clean(s.value) for f in record.get_fields(*tags["isbn"]) if not f.is_control_field()
             for s in f.subfields if s.code == "a" and _clean(s.value)]
    issns = [_clean(s.value) for f in record.get_fields(*tags["issn"]) if not f.is_control_field()
             for s in f.subfields if s.code == "a" and _clean(s.value)]
    if isbns:
        lines.append("ISBN " + "; ".join(isbns))
    if issns:
        lines.append("ISSN " + "; ".join(issns))
    return "\n".join(lines)


def detailed_text(record: MarcRecord, lang: str = "zh") -> str:
    zh = lang.startswith("zh")
    lines = []
    for label_zh, label_en, text in display.detailed(record):
        label = label_zh if zh else label_en
        lines.append(f"{label}{'：' if zh else ': '}{text}")
    return "\n".join(lines)


def export(items, style: str, lang: str = "zh") -> str:
    """items: (record id, pymarc record, material, year). One text file, records in the given order."""
    if style not in STYLES:
        raise ValueError(f"unknown export style {style}")
    zh = lang.startswith("zh")
    blocks = []
    for n, (record_id, record, material, year) in enumerate(items, 1):
        if style == "citation":
            blocks.append(f"[{n}] {citation(record, material, year)}")
        elif style == "simple":
            blocks.append(f"{n}. {simple_text(record)}")
        else:
            head = f"{'记录号' if zh else 'Record'} {record_id}"
            blocks.append(f"{head}\n{detailed_text(record, lang)}")
    sep = "\n" if style == "citation" else "\n\n"
    return sep.join(blocks) + "\n"
