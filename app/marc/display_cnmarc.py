"""CNMARC display: ISBD punctuation generated from subfield codes.

CNMARC (like UNIMARC) keys no ISBD punctuation at subfield boundaries; "=" for parallel data is
the one exception. The separators below are the UNIMARC 200/205/210/215/225 display tables.
Uppercase codes ($A, $F…: CALIS pinyin) and digits are never shown. Punctuation a cataloguer
keyed anyway is trimmed from value ends so it is not doubled.
"""
from __future__ import annotations

import re

from pymarc import Field, Record

from .display import join_brief

_TRAIL = re.compile(r"[\s:/;=,]+$")
_LEAD = re.compile(r"^[\s:/;=,]+")
AREA_SEP = ". -- "


def _clean(v: str) -> str:
    return _LEAD.sub("", _TRAIL.sub("", v or "")).strip()


def _subs(field: Field, codes: str):
    for s in field.subfields:
        if s.code in codes:
            v = _clean(s.value)
            if v:
                yield s.code, v


def isbd_200(field: Field) -> str:
    out, prev = "", None
    for code, v in _subs(field, "abcdefghiv"):
        if prev is None:
            out = f"[{v}]" if code == "b" else v
        elif code == "a":
            out += " ; " + v
        elif code == "b":
            out += f" [{v}]"
        elif code in "ch":
            out += ". " + v
        elif code == "d":
            out += " = " + v
        elif code == "e":
            out += " : " + v
        elif code == "f":
            out += " / " + v
        elif code == "g":
            out += " ; " + v
        elif code == "i":
            out += (", " if prev == "h" else ". ") + v
        elif code == "v":
            out += ". " + v
        prev = code
    return out


def isbd_205(field: Field) -> str:
    seps = {"b": ", ", "d": " = ", "f": " / ", "g": " ; "}
    return _join(field, "abdfg", seps)


def isbd_210(field: Field) -> str:
    main, maker = "", ""
    for code, v in _subs(field, "acdegh"):
        if code in "acd":
            if not main:
                main = v
            else:
                main += {"a": " ; ", "c": " : ", "d": ", "}[code] + v
        else:
            if not maker:
                maker = v
            else:
                maker += {"e": " ; ", "g": " : ", "h": ", "}[code] + v
    if maker:
        main = f"{main} ({maker})" if main else f"({maker})"
    return main


def isbd_215(field: Field) -> str:
    return _join(field, "acde", {"a": " ; ", "c": " : ", "d": " ; ", "e": " + "})


def isbd_225(field: Field) -> str:
    out, prev = "", None
    for code, v in _subs(field, "adefhivx"):
        if prev is None:
            out = v
        elif code == "i":
            out += (", " if prev == "h" else ". ") + v
        else:
            out += {"a": " ; ", "d": " = ", "e": " : ", "f": " / ", "h": ". ", "v": " ; ",
                    "x": ", "}[code] + v
        prev = code
    return f"({out})" if out else ""


def isbd_010(field: Field) -> str:
    a = " ".join(v for c, v in _subs(field, "a"))
    b = " ".join(v for c, v in _subs(field, "b"))
    d = " ".join(v for c, v in _subs(field, "d"))
    out = f"ISBN {a}" if a else ""
    if b:
        out += f" ({b})"
    if d:
        out += f" : {d}" if out else d
    return out


def _join(field: Field, codes: str, seps: dict) -> str:
    out = ""
    for code, v in _subs(field, codes):
        out = v if not out else out + seps.get(code, " ") + v
    return out


def heading(field: Field) -> str:
    """606 etc.: subject with "--" before each subdivision."""
    parts = [v for c, v in _subs(field, "abcdfgjxyz")]
    return "--".join(parts)


def name(field: Field) -> str:
    """7XX: name, other parts and the relator ($4 is text in CNMARC)."""
    text = ""
    for code, v in _subs(field, "abcdfg"):
        text = v if not text else text + ("," if code == "b" else " ") + v
    relator = " ".join(v for c, v in _subs(field, "4"))
    return f"{text} {relator}".strip() if relator else text


def description(record: Record) -> str:
    """The ISBD paragraph: areas joined by '. -- '."""
    areas = []
    for tag, fn in (("200", isbd_200), ("205", isbd_205), ("210", isbd_210), ("215", isbd_215)):
        for f in record.get_fields(tag):
            text = fn(f)
            if text:
                areas.append(text)
    series = " ".join(t for t in (isbd_225(f) for f in record.get_fields("225")) if t)
    if series:
        areas.append(series)
    return AREA_SEP.join(areas)


def detailed(record: Record) -> list[tuple[str, str, str]]:
    rows = []

    def add(zh, en, text):
        if text:
            rows.append((zh, en, text))

    for f in record.get_fields("200"):
        add("题名与责任说明", "Title and statement of responsibility", isbd_200(f))
    for f in record.get_fields("205"):
        add("版本", "Edition", isbd_205(f))
    for f in record.get_fields("210"):
        add("出版发行", "Publication", isbd_210(f))
    for f in record.get_fields("215"):
        add("载体形态", "Physical description", isbd_215(f))
    for f in record.get_fields("225"):
        add("丛编", "Series", isbd_225(f))
    fields = [f for f in record.fields if not f.is_control_field()]
    for f in fields:
        if f.tag.startswith("3"):
            text = " ".join(v for _, v in _subs(f, "abcdefghijklmnopqrstuvwxyz"))
            if f.tag == "330":
                add("提要", "Summary", text)
            else:
                add("附注", "Note", text)
    for f in fields:
        if f.tag[:1] == "5" and f.tag.isdigit():
            add("相关题名", "Related title", " ".join(v for _, v in _subs(f, "aehi")))
    for f in record.get_fields("010"):
        add("ISBN", "ISBN", isbd_010(f))
    for f in record.get_fields("101"):
        add("语种", "Language", ", ".join(v for _, v in _subs(f, "a")))
    for f in fields:
        if f.tag[:1] == "6" and f.tag not in ("690", "692", "694") and f.tag.isdigit():
            add("主题", "Subject", heading(f))
    for f in record.get_fields("690"):
        add("中图分类号", "CLC number", " ".join(v for _, v in _subs(f, "a")))
    for f in record.get_fields("692"):
        add("科图分类号", "CAS classification", " ".join(v for _, v in _subs(f, "a")))
    for f in fields:
        if f.tag[:1] == "7" and f.tag.isdigit():
            add("责任者", "Name", name(f))
    return rows


def brief(record: Record) -> str:
    title = author = place = publisher = year = ""
    f200 = record.get("200")
    if f200 is not None and not f200.is_control_field():
        parts = [v for _, v in _subs(f200, "a")]
        if parts:
            title = parts[0]
            other = [v for _, v in _subs(f200, "e")]
            if other:
                title += " : " + other[0]
        author = " ; ".join(v for _, v in _subs(f200, "fg"))
    f210 = record.get("210")
    if f210 is not None and not f210.is_control_field():
        place = next((v for _, v in _subs(f210, "a")), "")
        publisher = next((v for _, v in _subs(f210, "c")), "")
        year = next((v for _, v in _subs(f210, "d")), "")
    return join_brief(title, author, place, publisher, year)
