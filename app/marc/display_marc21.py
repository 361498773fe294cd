"""MARC 21 display: shown as catalogued, since the record carries its own ISBD punctuation.

Only the brief line strips the trailing punctuation of each element, because it puts the
elements together in its own way.
"""
from __future__ import annotations

import re

from pymarc import Field, Record

from .display import join_brief

_TRAIL = re.compile(r"[\s:/;=,]+$")
_LAST_WORD = re.compile(r"(\w+)\.$")
# A full stop that belongs to the word, not to the punctuation: initials and abbreviations.
_ABBREVIATIONS = {"ed", "eds", "p", "pp", "v", "cm", "ill", "etc", "inc", "co", "ltd", "jr", "sr",
                  "dept", "no", "vol", "rev", "enl", "n.d", "s.l", "s.n"}
_SUBJECT_SUBDIV = "vxyz"


def _values(field: Field, codes: str) -> list[str]:
    return [v for v in ((s.value or "").strip() for s in field.subfields if s.code in codes) if v]


def _as_catalogued(field: Field, codes: str = "abcdefghijklmnopqrstuvwxyz") -> str:
    return " ".join(_values(field, codes))


def _bare(v: str) -> str:
    v = _TRAIL.sub("", v or "").strip()
    m = _LAST_WORD.search(v)
    if m and (len(m.group(1)) == 1 or m.group(1).lower() in _ABBREVIATIONS):
        return v
    return v[:-1].rstrip() if v.endswith(".") else v


def heading(field: Field) -> str:
    main, subdiv = [], []
    for s in field.subfields:
        v = (s.value or "").strip()
        if not v or not s.code.isalpha():
            continue
        (subdiv if s.code in _SUBJECT_SUBDIV else main).append(v)
    text = " ".join(main)
    if subdiv:
        text = " -- ".join([_bare(text)] + [_bare(v) for v in subdiv])
    return text


def detailed(record: Record) -> list[tuple[str, str, str]]:
    rows = []

    def add(zh, en, text):
        if text:
            rows.append((zh, en, text))

    fields = [f for f in record.fields if not f.is_control_field()]
    for f in fields:
        if f.tag in ("100", "110", "111", "130"):
            add("主要款目", "Main entry", _as_catalogued(f))
    for f in record.get_fields("240"):
        add("统一题名", "Uniform title", _as_catalogued(f))
    for f in record.get_fields("245"):
        add("题名与责任说明", "Title and statement of responsibility", _as_catalogued(f))
    for f in record.get_fields("250"):
        add("版本", "Edition", _as_catalogued(f))
    for f in record.get_fields("260", "264"):
        add("出版发行", "Publication", _as_catalogued(f))
    for f in record.get_fields("300"):
        add("载体形态", "Physical description", _as_catalogued(f))
    for f in record.get_fields("440", "490"):
        add("丛编", "Series", _as_catalogued(f))
    for f in fields:
        if f.tag[:1] == "5" and f.tag.isdigit():
            add("附注", "Note", _as_catalogued(f))
    for f in record.get_fields("020"):
        add("ISBN", "ISBN", _as_catalogued(f, "aqz"))
    f008 = record.get("008")
    if f008 is not None and f008.is_control_field() and len(f008.data) >= 38:
        add("语种", "Language", f008.data[35:38].strip())
    for f in fields:
        if f.tag[:1] == "6" and f.tag.isdigit():
            add("主题", "Subject", heading(f))
    for f in fields:
        if f.tag[:1] == "7" and f.tag.isdigit() and f.tag < "760":
            add("附加款目", "Added entry", _as_catalogued(f))
    for f in fields:
        if f.tag[:1] == "8" and f.tag < "850":
            add("丛编附加款目", "Series added entry", _as_catalogued(f))
    for f in record.get_fields("050"):
        add("国会图书馆分类号", "LC call number", " ".join(_values(f, "ab")))
    for f in record.get_fields("082"):
        add("杜威分类号", "Dewey number", " ".join(_values(f, "a")))
    return rows


def brief(record: Record) -> str:
    title = author = place = publisher = year = ""
    f245 = record.get("245")
    if f245 is not None and not f245.is_control_field():
        a = [_bare(v) for v in _values(f245, "a")]
        b = [_bare(v) for v in _values(f245, "b")]
        title = " ".join(a)
        if b:
            title = f"{title} : {b[0]}" if title else b[0]
        c = _values(f245, "c")
        author = _bare(c[0]) if c else ""
    if not author:
        for tag in ("100", "110", "111"):
            f = record.get(tag)
            if f is not None and not f.is_control_field():
                author = _bare(" ".join(_values(f, "abcdq")))
                break
    pub = None
    for f in record.get_fields("264"):
        if not f.is_control_field() and f.indicators and f.indicators[1] == "1":
            pub = f
            break
    if pub is None:
        pub = record.get("260") or record.get("264")
    if pub is not None and not pub.is_control_field():
        place = next(iter(_bare(v) for v in _values(pub, "a")), "")
        publisher = next(iter(_bare(v) for v in _values(pub, "b")), "")
        year = next(iter(_bare(v) for v in _values(pub, "c")), "")
    return join_brief(title, author, place, publisher, year)
