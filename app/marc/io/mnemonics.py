"""MARCMaker character mnemonics ({acute}, {dollar}, …) and the MARC-8 byte each stands for.

The names are LC's MARCMaker/MARCBreaker list for ASCII specials and the ANSEL block; the Unicode
side is not repeated here but taken from pymarc's own MARC-8 tables, so the two cannot drift.
marc4j_brkrtest.mrk / .mrc (the same 8 records, text and binary) check every entry used there.
"""
from __future__ import annotations

import re
import unicodedata

from pymarc import marc8_mapping
from pymarc.marc8 import marc8_to_unicode

MARC8_BYTE: dict[str, int] = {
    # ASCII that MARCMaker syntax reserves, and MARC-8 controls
    "dollar": 0x24, "lcub": 0x7B, "rcub": 0x7D, "bsol": 0x5C, "esc": 0x1B,
    "nsb": 0x88, "nse": 0x89, "joiner": 0x8D, "zwj": 0x8D, "nonjoin": 0x8E, "zwnj": 0x8E,
    # ANSEL spacing characters
    "Lstrok": 0xA1, "Ostrok": 0xA2, "Dstrok": 0xA3, "THORN": 0xA4, "AElig": 0xA5, "OElig": 0xA6,
    "softsign": 0xA7, "middot": 0xA8, "flat": 0xA9, "reg": 0xAA, "plusmn": 0xAB, "Ohorn": 0xAC,
    "Uhorn": 0xAD, "mlrhring": 0xAE, "mllhring": 0xB0, "lstrok": 0xB1, "ostrok": 0xB2,
    "dstrok": 0xB3, "thorn": 0xB4, "aelig": 0xB5, "oelig": 0xB6, "hardsign": 0xB7, "inodot": 0xB8,
    "pound": 0xB9, "eth": 0xBA, "ohorn": 0xBC, "uhorn": 0xBD, "deg": 0xC0, "scriptl": 0xC1,
    "phono": 0xC2, "copy": 0xC3, "sharp": 0xC4, "iquest": 0xC5, "iexcl": 0xC6, "eszett": 0xC7,
    "euro": 0xC8,
    # ANSEL combining marks (written before the letter they sit on)
    "hooka": 0xE0, "grave": 0xE1, "acute": 0xE2, "circ": 0xE3, "tilde": 0xE4, "macr": 0xE5,
    "breve": 0xE6, "dot": 0xE7, "uml": 0xE8, "diaer": 0xE8, "caron": 0xE9, "ring": 0xEA,
    "llig": 0xEB, "rlig": 0xEC, "rcommaa": 0xED, "dblac": 0xEE, "candra": 0xEF, "cedil": 0xF0,
    "ogon": 0xF1, "dotb": 0xF2, "dbldotb": 0xF3, "ringb": 0xF4, "dblunder": 0xF5, "under": 0xF6,
    "commab": 0xF7, "rcedil": 0xF8, "breveb": 0xF9, "ldbltil": 0xFA, "rdbltil": 0xFB, "commaa": 0xFE,
}

MNEMONIC = re.compile(r"\{([A-Za-z]+|U\+[0-9A-Fa-f]{4,6})\}")
_ANSEL = marc8_mapping.CODESETS[0x45]


def _unicode_of(byte: int) -> tuple[str, bool]:
    """(character, is combining) for a MARC-8 byte in the default G0/G1 sets."""
    if byte < 0x80:
        return chr(byte), False
    code, combining = _ANSEL[byte]
    return chr(code), bool(combining)


UNICODE: dict[str, tuple[str, bool]] = {name: _unicode_of(b) for name, b in MARC8_BYTE.items()}


def decode(text: str, unknown: list[str]) -> str:
    """Replace mnemonics; a name we do not know is kept as written and added to `unknown`."""
    if "{" not in text:
        return text
    if text.isascii() and not any(m.group(1).startswith("U+") for m in MNEMONIC.finditer(text)):
        return _decode_marc8(text, unknown)
    return _decode_unicode(text, unknown)


def _decode_marc8(text: str, unknown: list[str]) -> str:
    """ASCII MarcMaker text is MARC-8 spelt out: rebuild the bytes and let pymarc decode them,
    which also moves each combining mark after its letter and composes to NFC."""

    def byte(m: re.Match) -> str:
        name = m.group(1)
        if name in MARC8_BYTE:
            return chr(MARC8_BYTE[name])
        unknown.append(m.group(0))
        return m.group(0)

    raw = MNEMONIC.sub(byte, text).encode("latin-1")
    return marc8_to_unicode(raw, hide_utf8_warnings=True)


def _decode_unicode(text: str, unknown: list[str]) -> str:
    """UTF-8 MarcMaker text (MarcEdit's .mrk): real characters, mnemonics only for specials.
    A combining mnemonic still comes before its letter, as in MARC-8."""
    out: list[str] = []
    pending: list[str] = []
    pos = 0
    for m in MNEMONIC.finditer(text):
        _emit(text[pos:m.start()], out, pending)
        name = m.group(1)
        if name.startswith("U+"):
            _emit(chr(int(name[2:], 16)), out, pending)
        elif name in UNICODE:
            char, combining = UNICODE[name]
            if combining:
                pending.append(char)
            else:
                _emit(char, out, pending)
        else:
            unknown.append(m.group(0))
            _emit(m.group(0), out, pending)
        pos = m.end()
    _emit(text[pos:], out, pending)
    out.extend(pending)
    return unicodedata.normalize("NFC", "".join(out))


def _emit(chunk: str, out: list[str], pending: list[str]) -> None:
    if not chunk:
        return
    if pending:
        out.append(chunk[0])
        out.extend(pending)
        pending.clear()
        chunk = chunk[1:]
    out.append(chunk)


_ESCAPES = {"$": "{dollar}", "{": "{lcub}", "}": "{rcub}", "\\": "{bsol}"}
_DATA_SPECIALS = re.compile(r"[${}]")
_CONTROL_SPECIALS = re.compile(r"[${}\\]")


def encode_data(text: str) -> str:
    """Subfield text: '$' would start a subfield and '{' a mnemonic; a backslash stays literal."""
    return _DATA_SPECIALS.sub(lambda m: _ESCAPES[m.group()], text)


def encode_fixed(text: str) -> str:
    """Leader and control-field text: a backslash means a blank there, so a real one is {bsol}."""
    return _CONTROL_SPECIALS.sub(lambda m: _ESCAPES[m.group()], text).replace(" ", "\\")
