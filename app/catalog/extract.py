"""What the catalogue indexes of a record. Derived from the MARC, so it can always be rebuilt.

Both families are covered: MARC 21 (Western records) and UNIMARC/CNMARC (Chinese records), and the
authority formats of each. Nothing here touches the database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pymarc import Record

from app.marc.classify import Classification, classify, language_codes
from app.marc.normalise import isbn_key

from .languages import LANGUAGE_CODE

_YEAR = re.compile(r"(1[0-9]{3}|20[0-9]{2})")
_ISSN = re.compile(r"^(\d{4})-?(\d{3}[\dXx])$")


@dataclass
class Extract:
    classification: Classification
    control_number: str | None
    title: str = ""
    author: str = ""
    publisher: str = ""
    place: str = ""
    year: int | None = None
    language: str | None = None  # the item's first language code (MARC 21 008/35-37, 041; UNIMARC 101)
    edition: str = ""
    subjects: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every personal/corporate name: access points
    notes: list[str] = field(default_factory=list)
    series: list[str] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)  # (kind, value): isbn, issn, clc, lcc, ddc
    links: list[tuple[str, str]] = field(default_factory=list)  # 856: (url, label)
    see_from: list[str] = field(default_factory=list)  # authority variants (4XX)
    see_also: list[str] = field(default_factory=list)  # authority related headings (5XX)

    @property
    def everything_parts(self) -> list[str]:
        """What the 'everything' index column holds, piece by piece (search.texts_for)."""
        return [self.title, self.author, self.publisher, self.place, self.edition, *self.subjects,
                *self.names, *self.notes, *self.series, *self.see_from]


def _subs(field_, codes: str) -> list[str]:
    return [v for sf in field_.subfields if sf.code in codes and sf.value and (v := sf.value.strip())]


def _join(field_, codes: str) -> str:
    return " ".join(_subs(field_, codes))


# What r"[\s/:;,=.]+$" takes off the end (every character str.isspace() and re's \s call white
# space is below U+3001), by rstrip: a regular expression anchored at the end still tries every
# position, and a MARC 21 record has some seventeen headings to clean (1.5 µs each, 0.35 by rstrip).
_TRAILING_CHARS = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "/:;,=."


def _clean(text: str) -> str:
    """Trailing ISBD punctuation is catalogued in MARC 21; the index wants the words only."""
    return text.strip().rstrip(_TRAILING_CHARS)


class _Tags:
    """The record's fields by tag, gathered in one pass: extraction asks for some thirty tags, and
    otherwise walked every field of the record for each of them. The lists it gives are its own:
    read them, do not change them."""

    __slots__ = ("fields", "_by_tag")

    def __init__(self, record: Record):
        self.fields = record.fields
        by_tag: dict[str, list] = {}
        for f in self.fields:
            tag = f.tag
            if tag in by_tag:
                by_tag[tag].append(f)
            else:
                by_tag[tag] = [f]
        self._by_tag = by_tag

    def __call__(self, *tags: str) -> list:
        """The fields with these tags, in the record's order."""
        by_tag = self._by_tag
        if len(tags) == 1:
            return by_tag.get(tags[0], [])
        present = [tag for tag in tags if tag in by_tag]
        if len(present) <= 1:  # one tag's fields are in the record's order already
            return by_tag[present[0]] if present else []
        return [f for f in self.fields if f.tag in present]

    def first(self, *tags: str):
        found = self(*tags)
        return found[0] if found else None


def _year(text: str | None) -> int | None:
    m = _YEAR.search(text or "")
    return int(m.group(1)) if m else None


def _issn(value: str) -> str | None:
    m = _ISSN.match(value.strip())
    return f"{m.group(1)}-{m.group(2).upper()}" if m else None


def _add_isbns(ex: Extract, values: list[str]) -> None:
    for value in values:
        key = isbn_key(value)
        if key:
            ex.keys.add(("isbn", key))


def _add_issns(ex: Extract, values: list[str]) -> None:
    for value in values:
        key = _issn(value)
        if key:
            ex.keys.add(("issn", key))


def extract(record: Record) -> Extract:
    c = classify(record)
    f001 = record.get("001")
    control = f001.data.strip() if f001 is not None and f001.data else None
    ex = Extract(classification=c, control_number=control or None)
    if c.kind == "bibliographic":
        ex.language = _language(record, c.format)
    tags = _Tags(record)
    if c.format == "marc21":
        _marc21(tags, ex) if c.kind != "authority" else _marc21_authority(tags, ex)
    else:
        _unimarc(tags, ex) if c.kind != "authority" else _unimarc_authority(tags, ex)
    return ex


def _language(record: Record, fmt: str) -> str | None:
    """The first well-formed code (languages.LANGUAGE_CODE)."""
    for code in language_codes(record, fmt):
        code = (code or "").strip().lower()
        if LANGUAGE_CODE.fullmatch(code):
            return code
    return None


def _marc21(tags: _Tags, ex: Extract) -> None:
    f245 = tags.first("245")
    if f245:
        ex.title = _clean(_join(f245, "abnp"))
    main = tags.first("100", "110", "111")
    if main:
        ex.author = _clean(_join(main, "abcdq"))
    for f in tags("100", "110", "111", "700", "710", "711"):
        ex.names.append(_clean(_join(f, "abcdq")))
    if not ex.author and f245:
        ex.author = _clean(_join(f245, "c"))
    imprint = tags.first("264", "260")
    if imprint:
        ex.place = _clean(_join(imprint, "a"))
        ex.publisher = _clean(_join(imprint, "b"))
    f008 = tags.first("008")
    if f008 and len(f008.data) >= 11:
        ex.year = _year(f008.data[7:11])
    if ex.year is None and imprint:
        ex.year = _year(_join(imprint, "c"))
    ed = tags.first("250")
    if ed:
        ex.edition = _clean(_join(ed, "ab"))
    for f in tags("600", "610", "611", "630", "648", "650", "651", "653", "655"):
        ex.subjects.append(" -- ".join(_clean(s) for s in _subs(f, "abcdvxyz")))
    for f in tags("490", "830", "440"):
        ex.series.append(_clean(_join(f, "anpv")))
    for f in tags.fields:
        if f.tag.startswith("5") and not f.control_field:
            ex.notes.append(_join(f, "a"))
    _add_isbns(ex, [v for f in tags("020") for v in _subs(f, "a")])
    _add_issns(ex, [v for f in tags("022") for v in _subs(f, "a")])
    for f in tags("050", "090"):
        for v in _subs(f, "a")[:1]:
            ex.keys.add(("lcc", v.replace(" ", "").upper()))
    for f in tags("082"):
        for v in _subs(f, "a")[:1]:
            ex.keys.add(("ddc", v.replace("/", "")))
    for f in tags("084"):
        if "clc" in [s.lower() for s in _subs(f, "2")]:
            for v in _subs(f, "a"):
                ex.keys.add(("clc", v.replace(" ", "").upper()))
    for f in tags("856"):
        for url in _subs(f, "u"):
            ex.links.append((url, _join(f, "3yz")))


def _unimarc(tags: _Tags, ex: Extract) -> None:
    f200 = tags.first("200")
    if f200:
        ex.title = " ".join(_subs(f200, "aehi"))
        ex.author = " ".join(_subs(f200, "f"))
    for f in tags("700", "701", "702", "710", "711", "712"):
        name = " ".join(_subs(f, "ab"))
        if name:
            ex.names.append(name)
    if not ex.author and ex.names:
        ex.author = ex.names[0]
    imprint = tags.first("210", "214")
    if imprint:
        ex.place = " ".join(_subs(imprint, "a"))
        ex.publisher = " ".join(_subs(imprint, "c"))
    f100 = tags.first("100")
    a100 = _join(f100, "a") if f100 else ""
    if len(a100) >= 13:
        ex.year = _year(a100[9:13])
    if ex.year is None and imprint:
        ex.year = _year(_join(imprint, "d"))
    ed = tags.first("205")
    if ed:
        ex.edition = _join(ed, "a")
    for f in tags("600", "601", "602", "604", "605", "606", "607", "608", "610"):
        ex.subjects.append(" -- ".join(_subs(f, "abjxyz")))
    for f in tags("225", "410"):
        ex.series.append(_join(f, "aehiv"))
    for f in tags.fields:
        if f.tag.startswith("3") and not f.control_field:
            ex.notes.append(_join(f, "a"))
    _add_isbns(ex, [v for f in tags("010") for v in _subs(f, "a")])
    _add_issns(ex, [v for f in tags("011") for v in _subs(f, "a")])
    for f in tags("690"):
        for v in _subs(f, "a"):
            ex.keys.add(("clc", v.replace(" ", "").upper()))
    for f in tags("680"):
        for v in _subs(f, "a")[:1]:
            ex.keys.add(("lcc", v.replace(" ", "").upper()))
    for f in tags("676"):
        for v in _subs(f, "a")[:1]:
            ex.keys.add(("ddc", v.replace("/", "")))
    for f in tags("856"):
        for url in _subs(f, "u"):
            ex.links.append((url, _join(f, "2yz")))


def _marc21_authority(tags: _Tags, ex: Extract) -> None:
    head = tags.first("100", "110", "111", "130", "150", "151", "155")
    if head is None:  # some agencies head with a local 1XX (IISG uses 103): take the first 1XX
        head = next((f for f in tags.fields if f.tag.startswith("1") and not f.control_field), None)
    if head:
        ex.title = ex.author = _clean(_join(head, "abcdqtvxyz"))
    ex.see_from = [_clean(_join(f, "abcdqt")) for f in tags.fields if f.tag.startswith("4") and not f.control_field]
    ex.see_also = [_clean(_join(f, "abcdqt")) for f in tags.fields if f.tag.startswith("5") and not f.control_field]
    ex.notes = [_join(f, "a") for f in tags("670", "678", "680")]


def _unimarc_authority(tags: _Tags, ex: Extract) -> None:
    head = tags.first("200", "210", "215", "220", "230", "240", "250")
    if head:
        ex.title = ex.author = " ".join(_subs(head, "abcdfgxyz"))
    ex.see_from = [" ".join(_subs(f, "abcdfg")) for f in tags("400", "410", "415", "420", "430", "440", "450")]
    ex.see_also = [" ".join(_subs(f, "abcdfg")) for f in tags("500", "510", "515", "520", "530", "540", "550")]
    ex.notes = [_join(f, "a") for f in tags("300", "810", "830")]
