"""Sort a record the way the centre files it: format, kind, level, language database, material.

The centre keeps separate Chinese, Western, Japanese and Russian databases and prices and reviews
full (完全级) and basic (基本级) records differently, so every import needs these answers before it
can route a record. The rules are documented in docs/marc-validation.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pymarc import Record

from .profiles import Profile, get_profile, profile_name_for

_UNIMARC_DATE = re.compile(r"\d{8}")
_YEAR = re.compile(r"(1[0-9]{3}|20[0-9]{2})")
ANCIENT_BEFORE = 1912  # 古籍: published before the end of the Qing dynasty (1911)

CHINESE = frozenset({"chi", "zho"})
WESTERN = frozenset(
    "eng enm ang sco fre frm fro ger gmh goh gsw ltz spa cat glg por ita lat dut dum afr fry dan swe"
    " nor nob nno ice fao fin est hun pol cze slo slv hrv scr bos rum rup alb gre grc wel gle gla"
    " cor bre baq mlt roh oci lav lit epo ina".split())
UNDETERMINED = frozenset({"und", "mul", "zxx", "mis", "   ", "|||", ""})
SCRIPT_GROUP = {"ea": "chinese", "da": "japanese", "db": "japanese", "dc": "japanese",
                "ca": "russian", "ba": "western", "ga": "western"}


@dataclass(frozen=True, slots=True)
class Classification:
    format: str  # "marc21" | "cnmarc" | "unimarc"
    kind: str  # "bibliographic" | "authority" | "holdings"
    level: str  # "full" | "basic"
    language_group: str  # "chinese" | "western" | "japanese" | "russian" | "other"
    material: str | None  # "book" | "serial" | "electronic" | "ancient" | "other"; None if not bib

    @property
    def profile_name(self) -> str | None:
        return profile_name_for(self.format, self.kind)


def _first(record: Record, tag: str):
    for f in record.fields:
        if f.tag == tag:
            return f
    return None


def _sub(field, code: str) -> str:
    if field is None or field.control_field:
        return ""
    for sf in field.subfields:
        if sf.code == code:
            return sf.value
    return ""


def detect_format(record: Record, tags: frozenset | None = None) -> str:
    """MARC 21 or the UNIMARC family (CNMARC when Chinese), from content first, Leader last."""
    tags = tags if tags is not None else frozenset(f.tag for f in record.fields)
    score = 0  # > 0 MARC 21, < 0 UNIMARC
    if "245" in tags:
        score += 3
    elif "200" in tags:
        score -= 3
    f008 = _first(record, "008")
    if f008 is not None and f008.control_field and len(f008.data or "") >= 38:
        score += 2
    a100 = _sub(_first(record, "100"), "a")
    if len(a100) in (24, 36) and _UNIMARC_DATE.match(a100):
        score -= 3
    score += ("040" in tags) - ("801" in tags)
    if score == 0:
        score = -1 if str(record.leader)[20:23] == "450" and str(record.leader)[23:24] == " " else 1
    if score > 0:
        return "marc21"
    return "cnmarc" if _is_chinese(record, tags, a100) else "unimarc"


def _is_chinese(record: Record, tags: frozenset, a100: str) -> bool:
    if tags & {"690", "692", "905"}:
        return True
    cataloguing_language = a100[22:25] if len(a100) >= 36 else a100[9:12]  # bibliographic / authority
    if cataloguing_language == "chi" or _sub(_first(record, "801"), "a").upper() == "CN":
        return True
    return False


def record_kind(record: Record, fmt: str) -> str:
    rtype = str(record.leader)[6:7]
    if fmt == "marc21":
        if rtype == "z":
            return "authority"
        return "holdings" if rtype in ("u", "v", "x", "y") else "bibliographic"
    return "authority" if rtype in ("x", "y", "z") else "bibliographic"


def satisfied(record: Record, requirement) -> bool:
    """True when any alternative of a mandatory element ("260|264", "245$a") is present."""
    for tag, code in requirement.alternatives:
        for f in record.fields:
            if f.tag != tag:
                continue
            if code is None:
                return True
            if not f.control_field and any(sf.code == code and sf.value.strip() for sf in f.subfields):
                return True
    return False


def record_level(record: Record, profile: Profile) -> str:
    """Leader/17 is the cataloguer's claim; when it says nothing usable, field presence decides."""
    code = str(record.leader)[17:18] or " "
    for level in ("full", "basic"):
        if code in profile.level_codes.get(level, ""):
            return level
    mandatory, _ = profile.levels["full"]
    return "full" if all(satisfied(record, req) for req in mandatory) else "basic"


def _group_of_code(code: str) -> str | None:
    code = code.strip().lower()
    if code in UNDETERMINED or len(code) != 3:
        return None
    if code in CHINESE:
        return "chinese"
    if code == "jpn":
        return "japanese"
    if code == "rus":
        return "russian"
    return "western" if code in WESTERN else "other"


def script_group(text: str) -> str | None:
    """Language group guessed from the script of a title (kana before Han: Japanese uses both)."""
    han = latin = 0
    for ch in text:
        o = ord(ch)
        if 0x3040 <= o <= 0x30FF:
            return "japanese"
        if 0x3400 <= o <= 0x9FFF or 0x20000 <= o <= 0x2FFFF:
            han += 1
        elif 0xAC00 <= o <= 0xD7AF:
            return "other"
        elif 0x0400 <= o <= 0x04FF:
            return "russian"
        elif ch.isalpha() and o < 0x0250 or 0x0370 <= o <= 0x03FF:
            latin += 1
        elif ch.isalpha():
            return "other"
    if han:
        return "chinese"
    return "western" if latin else None


def language_codes(record: Record, fmt: str, kind: str = "bibliographic") -> list:
    """The item's language codes in the order the format ranks them.

    An authority record describes no item: its language of cataloguing decides (040$b, 100$a/9-11).
    """
    codes = []
    if kind == "authority":
        if fmt == "marc21":
            codes.extend(_sub(f, "b") for f in record.get_fields("040"))
        else:
            codes.append(_sub(_first(record, "100"), "a")[9:12])
        return codes
    if fmt == "marc21":
        f008 = _first(record, "008")
        if f008 is not None and f008.control_field and len(f008.data or "") >= 38:
            codes.append(f008.data[35:38])
        for f in record.get_fields("041"):
            for value in f.get_subfields("a"):
                codes.extend(value[i:i + 3] for i in range(0, len(value), 3))
    else:
        f101 = _first(record, "101")
        if f101 is not None and not f101.control_field:
            codes.extend(f101.get_subfields("a"))
    return codes


def language_group(record: Record, fmt: str, kind: str = "bibliographic") -> str:
    for code in language_codes(record, fmt, kind):
        group = _group_of_code(code)
        if group:
            return group
    if fmt != "marc21" and kind != "authority":
        group = SCRIPT_GROUP.get(_sub(_first(record, "100"), "a")[34:36])
        if group:
            return group
    title_tag = "245" if fmt == "marc21" else "200"
    titles = [_sub(_first(record, title_tag), "a")]
    titles += [_sub(f, "a") for f in record.get_fields("880") if _sub(f, "6").startswith(title_tag)]
    for title in titles:
        group = script_group(title)
        if group:
            return group
    return "other"


def _year(text: str) -> int | None:
    text = text.replace("u", "9")  # 18uu is certainly before 1912, 19uu is not
    return int(text) if len(text) == 4 and text.isdigit() else None


def _publication_year(record: Record, fmt: str) -> int | None:
    if fmt == "marc21":
        f008 = _first(record, "008")
        if f008 is not None and f008.control_field and len(f008.data or "") >= 11:
            year = _year(f008.data[7:11])
            if year is not None:
                return year
        for tag in ("260", "264"):
            m = _YEAR.search(_sub(_first(record, tag), "c"))
            if m:
                return int(m.group(1))
        return None
    year = _year(_sub(_first(record, "100"), "a")[9:13])
    if year is None:
        m = _YEAR.search(_sub(_first(record, "210"), "d"))
        year = int(m.group(1)) if m else None
    return year


def material(record: Record, fmt: str, kind: str) -> str | None:
    if kind != "bibliographic":
        return None
    leader = str(record.leader)
    rtype, level = leader[6:7], leader[7:8]
    if fmt == "marc21":
        f008 = _first(record, "008")
        form = f008.data[23:24] if f008 is not None and f008.control_field and f008.data else ""
        electronic = rtype == "m" or (rtype in ("a", "t") and form in ("o", "q", "s"))
        serial = level in ("b", "i", "s")
        textual = rtype in ("a", "t")
    else:
        electronic = rtype == "l" or _sub(_first(record, "106"), "a")[:1] == "s"
        serial = level in ("s", "i")
        textual = rtype in ("a", "b")
    if electronic:
        return "electronic"
    if serial:
        return "serial"
    if not textual:
        return "other"
    year = _publication_year(record, fmt)
    return "ancient" if year is not None and year < ANCIENT_BEFORE else "book"


def classify(record: Record) -> Classification:
    tags = frozenset(f.tag for f in record.fields)
    fmt = detect_format(record, tags)
    kind = record_kind(record, fmt)
    name = profile_name_for(fmt, kind)
    level = record_level(record, get_profile(name)) if name else "basic"
    return Classification(fmt, kind, level, language_group(record, fmt, kind),
                          material(record, fmt, kind))
