"""Checks on what fields say, beyond their structure: ISBNs, language and area codes, 880 links.

The MARC 21 rules follow MARC::Lint's check_020/041/043 closely so that the two agree on real
records (tests/marc/test_lint_agreement.py); the title checks live in validate_title.py.
"""
from __future__ import annotations

import re

from .profiles import code_lists
from .validate_title import check_title

_ISBN_CORE = re.compile(r"^\D*(\d{9,12}[X\d])\b.*$", re.ASCII)
_ISBN_SHAPE = re.compile(r"\d{10}|\d{13}|\d{9}X", re.ASCII)
_Z_LOOKS_LIKE_ISBN = re.compile(r"^ISBN|^\d*-\d+", re.ASCII)
_LINKAGE = re.compile(r"^(\d{3})-(\d{2})(.*)$", re.ASCII | re.S)  # tag-occurrence[/script...]
_LANGUAGE_SUBFIELDS = frozenset("abdefghijkmnpqrt")
_QUALIFIER = re.compile(r"[X0-9] \(")


def isbn_is_valid(number: str) -> bool:
    """Check digit of a 10- or 13-character ISBN (digits, X only in the last place of ISBN-10)."""
    if len(number) == 10 and number[:9].isdigit() and (number[9].isdigit() or number[9] == "X"):
        total = sum((10 - i) * int(d) for i, d in enumerate(number[:9]))
        total += 10 if number[9] == "X" else int(number[9])
        return total % 11 == 0
    if len(number) == 13 and number.isdigit():
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(number[:12]))
        return (10 - total % 10) % 10 == int(number[12])
    return False


def _isbn_core(value: str) -> str:
    return _ISBN_CORE.sub(r"\1", value.replace("-", ""))


def check_020(field, tag, occ, label, out, leader, record) -> None:
    """ISBN in $a: shape and check digit; a valid-looking number in $z is suspicious."""
    for code, value in field.subfields:
        number = _isbn_core(value)
        if code == "a":
            if value[:len(number)] != number:
                out.add("isbn.invalid_characters", tag, occ, code, value=value)
            if "(" in value and not _QUALIFIER.search(value):
                out.add("isbn.qualifier_space", tag, occ, code, value=value)
            if not _ISBN_SHAPE.fullmatch(number):
                out.add("isbn.length", tag, occ, code, value=value)
            elif not isbn_is_valid(number):
                out.add("isbn.checksum", tag, occ, code, value=value)
        elif code == "z" and _Z_LOOKS_LIKE_ISBN.match(value):
            if len(number) in (10, 13) and isbn_is_valid(number):
                out.add("isbn.valid_in_z", tag, occ, code, value=value)


def check_010(field, tag, occ, label, out, leader, record) -> None:
    """UNIMARC/CNMARC ISBN (010$a, e.g. 7-5037-1744-0); invalid ones belong in $z."""
    for code, value in field.subfields:
        if code not in ("a", "z"):
            continue
        number = value.replace("-", "").replace(" ", "").upper()
        if code == "a":
            if not _ISBN_SHAPE.fullmatch(number):
                out.add("isbn.length", tag, occ, code, value=value)
            elif not isbn_is_valid(number):
                out.add("isbn.checksum", tag, occ, code, value=value)
        elif isbn_is_valid(number):
            out.add("isbn.valid_in_z", tag, occ, code, value=value)


def _check_language_value(value, code, tag, occ, label, out) -> None:
    lists = code_lists()
    if len(value) % 3:
        out.add("lang.code_length", tag, occ, code, field=label, code=code, value=value)
        return
    for i in range(0, len(value), 3):
        lang = value[i:i + 3]
        if lang in lists["languages"]:
            continue
        kind = "lang.obsolete" if lang in lists["languages_obsolete"] else "lang.invalid"
        out.add(kind, tag, occ, code, field=label, code=code, value=lang)


def check_041(field, tag, occ, label, out, leader, record) -> None:
    """MARC 21 language codes; ind2 7 means another code list named in $2."""
    if field.indicator2 == "7":
        return
    for code, value in field.subfields:
        if code in _LANGUAGE_SUBFIELDS:
            _check_language_value(value, code, tag, occ, label, out)


def check_101(field, tag, occ, label, out, leader, record) -> None:
    for code, value in field.subfields:
        if "a" <= code <= "j":
            _check_language_value(value, code, tag, occ, label, out)


def check_043(field, tag, occ, label, out, leader, record) -> None:
    lists = code_lists()
    for code, value in field.subfields:
        if code != "a":
            continue
        if len(value) != 7:
            out.add("geo.code_length", tag, occ, code, field=label, value=value)
        elif value not in lists["geographic_areas"]:
            kind = "geo.obsolete" if value in lists["geographic_areas_obsolete"] else "geo.invalid"
            out.add(kind, tag, occ, code, field=label, value=value)


class LinkageBook:
    """Pairs 880 fields with the fields they transliterate, through $6 occurrence numbers."""

    __slots__ = ("from_880", "from_regular", "bad")

    def __init__(self):
        self.from_880 = []  # (linked tag, number, occurrence, label, $6)
        self.from_regular = []  # (tag, number, occurrence, $6)
        self.bad = []  # regular fields whose $6 has junk after the occurrence number

    def note_880(self, six: str, occ: int, label: str, out) -> bool:
        """False when $6 does not even name a tag; then the 880 cannot be checked further."""
        m = _LINKAGE.match(six)
        if not m:
            out.add("linkage.format", "880", occ, "6", field=label, value=six)
            return six[:3].isdigit()
        if m.group(3) and not m.group(3).startswith("/"):
            out.add("linkage.format", "880", occ, "6", severity="warning", field=label, value=six)
        if m.group(2) != "00":
            self.from_880.append((m.group(1), m.group(2), occ, label, six))
        return True

    def note_regular(self, field, tag: str, occ: int) -> None:
        six = field.subfields[0].value  # $6 comes first in a linked field
        if not six.startswith("880"):
            return
        m = _LINKAGE.match(six)
        self.from_regular.append((tag, m.group(2) if m else None, occ, six))
        if m and m.group(3) and not m.group(3).startswith("/"):
            self.bad.append((tag, occ, six))

    def report(self, out) -> None:
        regular = {(tag, num) for tag, num, _, _ in self.from_regular if num}
        linked = {(ltag, num) for ltag, num, _, _, _ in self.from_880}
        for ltag, num, occ, label, six in self.from_880:
            if (ltag, num) not in regular:
                out.add("linkage.unpaired", "880", occ, "6", field=label, value=six, other=ltag)
        for tag, occ, six in self.bad:
            out.add("linkage.format", tag, occ, "6", severity="warning", value=six)
        for tag, num, occ, six in self.from_regular:
            if num is None:
                out.add("linkage.format", tag, occ, "6", value=six)
            elif (tag, num) not in linked:
                out.add("linkage.unpaired", tag, occ, "6", value=six, other="880")


CONTENT_CHECKS = {
    "marc21": {"020": check_020, "041": check_041, "043": check_043, "245": check_title},
    "unimarc": {"010": check_010, "101": check_101},
    "cnmarc": {"010": check_010, "101": check_101},
}
