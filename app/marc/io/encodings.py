"""Character sets: which one an ISO 2709 record is really in, and NFC for every record.

MARC 21 says leader/09 blank = MARC-8, 'a' = UCS; files in the wild lie (UTF-8 under a blank
leader/09, CNMARC in GBK/GB18030 with nothing saying so, Windows-1251 passed off as MARC-8), so a
record whose leader/09 is blank is looked at before it is decoded. A record with 'a' is trusted.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from pymarc import Field, Leader, Record, Subfield
from pymarc import marc8_mapping

from .messages import Message, msg

MARC8 = "marc8"
UTF8 = "utf-8"

_MARC8_NAMES = {"marc8", "marc-8", "marc_8", "ansel", "marc8lossless"}
# high bytes that the default G1 set of MARC-8 (ANSEL) defines
_ANSEL_HIGH = bytes(sorted(k for k in marc8_mapping.CODESETS[0x45] if k >= 0x80))
_ASCII = bytes(range(0x80))


def normalise_encoding(name: str | None, error_cls) -> str | None:
    """'utf-8', 'marc8' or a Python codec name; None means: decide per record."""
    if name is None or name.strip().lower() in ("", "auto"):
        return None
    key = name.strip().lower()
    if key in _MARC8_NAMES:
        return MARC8
    try:
        return codecs.lookup(key).name
    except LookupError:
        raise error_cls(msg("bad_encoding_name", name=name)) from None


def guess_charset(chunk: bytes) -> tuple[str, Message | None]:
    """Charset of a record whose leader/09 is not 'a'; the message says when the guess overrode it."""
    if b"\x1b" in chunk:  # escape sequences exist only in MARC-8
        return MARC8, None
    if chunk.isascii():
        return "ascii", None
    try:
        chunk.decode("utf-8")
        return UTF8, msg("mislabelled_utf8")
    except UnicodeDecodeError:
        pass
    if _looks_gb18030(chunk):
        return "gb18030", msg("guessed_gb18030")
    foreign = len(chunk.translate(None, _ASCII + _ANSEL_HIGH))
    return MARC8, (msg("not_marc8", count=foreign) if foreign else None)


def _looks_gb18030(chunk: bytes) -> bool:
    """Chinese text in GB18030 is almost all pairs of high bytes from the GB 2312 block.

    MARC-8 Latin text puts a combining mark before an ASCII letter, and 8-bit Cyrillic has
    odd-length runs, so neither passes both tests below.
    """
    try:
        text = chunk.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = [c for c in text if ord(c) > 0x7F]
    common = 0
    for c in wide:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.8 * len(wide)


def is_marc21(record: Record) -> bool:
    """UNIMARC and CNMARC use neither 008 nor 245; MARC 21 records have at least one of them."""
    return any(f.tag == "008" or f.tag == "245" for f in record.fields)


def set_leader_pos(record: Record, pos: int, char: str) -> None:
    text = str(record.leader)
    if text[pos] != char:
        record.leader = Leader(text[:pos] + char + text[pos + 1:])


def tidy_leader(record: Record) -> None:
    """dp2 and other Chinese systems write '-' for a blank in the leader."""
    text = str(record.leader)
    if "-" in text:
        record.leader = Leader(text.replace("-", " "))


def _nfc(text: str) -> str:
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def utf8_is_nfc(chunk: bytes) -> bool:
    """Whether a UTF-8 record's text is all NFC already, by one look at the whole record.

    A value is a piece of the record cut where a field or subfield starts; such a piece of an NFC
    text is NFC too (composition and canonical order depend only on the characters between those
    they join, all inside the piece; a mark cut from its base has nothing to join). Almost every
    record is NFC: this spares a bulk load looking at each value (a thirtieth of its workers' time).
    A False only sends the record the long way (nfc_record); bytes outside the fields can make it
    False, never True wrongly."""
    return unicodedata.is_normalized("NFC", chunk.decode("utf-8", "replace"))


def nfc_record(record: Record) -> Record:
    """Normalise every value to NFC in place (pymarc's MARC-8 decoder already does)."""
    for f in record.fields:
        if f.control_field:
            if f.data:
                f.data = _nfc(f.data)
        else:
            subs = f.subfields
            for i, s in enumerate(subs):
                v = s.value
                if not v.isascii():
                    n = _nfc(v)
                    if n is not v:
                        subs[i] = Subfield(s.code, n)
    return record


def map_values(record: Record, fn) -> Record:
    """A copy of the record with fn applied to every control-field datum and subfield value."""
    out = Record()
    out.leader = Leader(str(record.leader))
    for f in record.fields:
        if f.control_field:
            out.fields.append(Field(f.tag, data=fn(f.data or "")))
        else:
            out.fields.append(
                Field(f.tag, indicators=f.indicators, subfields=[Subfield(s.code, fn(s.value)) for s in f.subfields])
            )
    return out


def needs_nfc(record: Record) -> bool:
    for f in record.fields:
        if f.control_field:
            if f.data and _nfc(f.data) is not f.data:
                return True
        else:
            for s in f.subfields:
                if _nfc(s.value) is not s.value:
                    return True
    return False


def nfc_copy(record: Record) -> Record:
    """The record itself when it is already NFC (the usual case), else a normalised copy."""
    return map_values(record, _nfc) if needs_nfc(record) else record


_HORNED = {"O\u031b": "\u01a0", "o\u031b": "\u01a1", "U\u031b": "\u01af", "u\u031b": "\u01b0"}


def _latin_decomposed(char: str) -> str:
    parts = unicodedata.normalize("NFD", char)
    if "\u031b" in parts:  # ANSEL has O/U with horn as letters, not a combining horn
        parts = parts[:2] in _HORNED and _HORNED[parts[:2]] + parts[2:] or parts
    if len(parts) > 1 and (parts[0] < "\u0250" or "\u1e00" <= parts[0] <= "\u1eff") and all(
        "\u0300" <= p <= "\u036f" for p in parts[1:]
    ):
        return parts
    return char


def for_marc8(text: str) -> str:
    """Latin letters with diacritics decomposed, everything else as it is.

    yaz's MARC-8 encoder finds an ANSEL combining mark only for a decomposed letter (a precomposed
    "ź" comes out as &#x017a;), but a decomposed Arabic, kana or Hangul character would lose the
    precomposed form that MARC-8 does have.
    """
    if text.isascii():
        return text
    return "".join(c if c < "\u00c0" else _latin_decomposed(c) for c in text)


_NCR = re.compile(r"&#x([0-9A-Fa-f]{4,6});")


def _unescape(text: str) -> str:
    return _NCR.sub(lambda m: chr(int(m.group(1), 16)), text) if "&#x" in text else text


def decode_ncrs(record: Record) -> None:
    """LC's lossless MARC-8 writes a character MARC-8 lacks as &#xXXXX;; give it back."""
    for f in record.fields:
        if f.control_field:
            f.data = _unescape(f.data or "")
        else:
            f.subfields = [Subfield(s.code, _unescape(s.value)) for s in f.subfields]
