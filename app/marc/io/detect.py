"""Which of the four formats a file is in: by its first bytes, then by its extension.

Content wins over the name because member libraries send .dat, .txt and .iso files of every kind;
the extension only decides when the bytes say nothing (an empty or damaged start).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .messages import msg
from .results import MarcReadError

FORMATS = ("iso2709", "marcxml", "json", "mrk")

_ALIASES = {
    "iso2709": "iso2709", "iso": "iso2709", "marc": "iso2709", "mrc": "iso2709", "marc21": "iso2709",
    "usmarc": "iso2709", "unimarc": "iso2709", "cnmarc": "iso2709", "2709": "iso2709",
    "marcxml": "marcxml", "xml": "marcxml", "marcxchange": "marcxml",
    "json": "json", "marcjson": "json", "marc-in-json": "json", "mij": "json", "jsonl": "json",
    "mrk": "mrk", "marcmaker": "mrk", "mrk8": "mrk", "text": "mrk", "line": "mrk",
}

_EXTENSIONS = {
    ".mrc": "iso2709", ".marc": "iso2709", ".iso": "iso2709", ".dat": "iso2709", ".usmarc": "iso2709",
    ".unimarc": "iso2709", ".cnmarc": "iso2709", ".bin": "iso2709", ".out": "iso2709", ".utf8": "iso2709",
    ".xml": "marcxml", ".marcxml": "marcxml",
    ".json": "json", ".jsonl": "json", ".ndjson": "json",
    ".mrk": "mrk", ".mrk8": "mrk", ".txt": "mrk",
}

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_MRK_START = re.compile(rb"=(LDR|\d{3}|[A-Za-z0-9]{3})  ")
_ISO_START = re.compile(rb"\d{5}[\x20-\x7e]{7}[\d ]{5}")

SNIFF_SIZE = 4096


def normalise_format(name: str, error_cls=MarcReadError) -> str:
    fmt = _ALIASES.get(name.strip().lower().lstrip("."))
    if fmt is None:
        raise error_cls(msg("bad_format_name", name=name, choices=", ".join(FORMATS)))
    return fmt


def format_from_extension(path: str | os.PathLike) -> str | None:
    return _EXTENSIONS.get(Path(path).suffix.lower())


def sniff(head: bytes) -> str | None:
    """The format the first bytes show, or None when they show none."""
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    if head[:2] in (b"<\x00", b"\x00<"):  # UTF-16 XML without a BOM
        return "marcxml"
    head = head.lstrip(b" \t\r\n\x00")
    if not head:
        return None
    if head[:1] == b"<":
        return "marcxml"
    if head[:1] in (b"{", b"["):
        return "json"
    if _MRK_START.match(head):
        return "mrk"
    if _ISO_START.match(head) or head[:5].isdigit():
        return "iso2709"
    return None


def detect_format(source: str | os.PathLike | bytes) -> str:
    """Format of a file (path) or of the leading bytes of one; MarcReadError when unknown."""
    if isinstance(source, bytes | bytearray | memoryview):
        fmt = sniff(bytes(source[:SNIFF_SIZE]))
        name = "<bytes>"
    else:
        name = os.fspath(source)
        try:
            with open(source, "rb") as fh:
                head = fh.read(SNIFF_SIZE)
        except FileNotFoundError:
            raise MarcReadError(msg("file_not_found", path=name)) from None
        except OSError as exc:
            raise MarcReadError(msg("file_unreadable", path=name, reason=exc.strerror or exc)) from None
        fmt = sniff(head) or format_from_extension(source)
    if fmt is None:
        raise MarcReadError(msg("unknown_format", path=name))
    return fmt
