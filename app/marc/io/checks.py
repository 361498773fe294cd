"""What every writer refuses, so that no format ever gets a record it would silently corrupt."""
from __future__ import annotations

import re

from pymarc import Record

from .messages import msg
from .results import MarcWriteError

_STRUCTURE = re.compile("[\x1d\x1e\x1f]")
# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_LINE = re.compile("[\x1d\x1e\x1f\r\n]")
_TAG = re.compile(r"[0-9A-Za-z]{3}\Z")
_FORBIDDEN = {"marcxml": (_NOT_XML, "write_xml_char"), "mrk": (_NOT_LINE, "write_structure_char")}


def output_leader(leader: str) -> str:
    """The leader as written: positions that describe the ISO 2709 structure are made true.

    10-11 (indicator and subfield-code counts) and 20-22 (entry map) are what our directory has;
    23 is left alone (MARC 21 has 0, UNIMARC a blank). Lengths that are not numbers become 0:
    ISO 2709 output recomputes them, and other formats only carry them.
    """
    chars = list(leader.ljust(24)[:24])
    chars[10:12] = "22"
    chars[20:23] = "450"
    for i in (*range(0, 5), *range(12, 17)):
        if not chars[i].isdigit():
            chars[i] = "0"
    return "".join(chars)


def _shown(text: str) -> str:
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def check_writable(record: Record, fmt: str) -> None:
    bad_chars, code = _FORBIDDEN.get(fmt, (_STRUCTURE, "write_structure_char"))
    for f in record.fields:
        if not _TAG.match(f.tag or ""):
            raise MarcWriteError(msg("write_bad_tag", tag=_shown(f.tag or "")))
        if f.control_field:
            values = [f.data or ""]
        else:
            for ind in f.indicators or ("", ""):
                if len(ind) != 1 or bad_chars.search(ind) or _STRUCTURE.search(ind):
                    raise MarcWriteError(msg("write_bad_indicator", tag=f.tag, value=_shown(ind)))
            values = []
            for s in f.subfields:
                if len(s.code) != 1 or bad_chars.search(s.code) or _STRUCTURE.search(s.code):
                    raise MarcWriteError(msg("write_bad_code", tag=f.tag, code=_shown(s.code)))
                values.append(s.value)
        for value in values:
            found = bad_chars.search(value)
            if found:
                raise MarcWriteError(msg(code, tag=f.tag, char=f"U+{ord(found.group()):04X}"))
