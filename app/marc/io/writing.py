"""write(), to_bytes() and MarcWriter: one record at a time, so that a record that cannot be
written raises MarcWriteError for itself and the rest of the output goes on."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from typing import BinaryIO

from pymarc import Record

from . import encodings as enc
from . import marc8
from .detect import format_from_extension, normalise_format
from .iso2709 import record_bytes
from .marcjson import record_json
from .marcxml import COLLECTION_END, COLLECTION_START, XML_DECLARATION, record_xml
from .messages import msg
from .mrk import record_text
from .results import MarcWriteError

_UTF8_ONLY = {"marcxml": "MARCXML", "json": "MARC-in-JSON"}


def _check_encoding(fmt: str, encoding: str | None) -> str:
    charset = enc.normalise_encoding(encoding or "utf-8", MarcWriteError)
    if fmt in _UTF8_ONLY and charset != enc.UTF8:
        raise MarcWriteError(msg("write_encoding", format=_UTF8_ONLY[fmt], encoding=encoding))
    if fmt == "mrk" and charset == enc.MARC8:
        raise MarcWriteError(msg("write_encoding", format="MarcMaker", encoding="MARC-8"))
    return charset


def to_bytes(record: Record, format: str = "iso2709", encoding: str = "utf-8") -> bytes:
    """One record as a complete file of its format (MARCXML: a namespaced <record> document)."""
    fmt = normalise_format(format, MarcWriteError)
    charset = _check_encoding(fmt, encoding)
    if fmt == "iso2709":
        if charset == enc.MARC8:
            return marc8.utf8_to_marc8(record_bytes(record, enc.UTF8, form="MARC8"))
        return record_bytes(record, charset)
    if fmt == "marcxml":
        return XML_DECLARATION + record_xml(record, namespace=True) + b"\n"
    if fmt == "json":
        return (record_json(record) + "\n").encode("utf-8")
    return _encode_text(record, record_text(record), charset)


def _encode_text(record: Record, text: str, charset: str) -> bytes:
    try:
        return text.encode(charset)
    except UnicodeEncodeError as exc:
        char = text[exc.start]
        tag = next((f.tag for f in record.fields if char in (f.data or "" if f.control_field else f.value())), "?")
        raise MarcWriteError(
            msg("write_unencodable", tag=tag, char=f"U+{ord(char):04X} {char}", encoding=charset.upper())
        ) from None


class MarcWriter:
    """Writes records to a path or a binary file; use as a context manager or call close()."""

    def __init__(self, target: str | os.PathLike | BinaryIO, format: str | None = None, encoding: str = "utf-8"):
        if format is None:
            if not isinstance(target, str | os.PathLike):
                raise MarcWriteError(msg("bad_format_name", name="?", choices="iso2709, marcxml, json, mrk"))
            format = format_from_extension(target) or "iso2709"
        self.format = normalise_format(format, MarcWriteError)
        self.encoding = _check_encoding(self.format, encoding)
        self.count = 0
        if self.encoding == enc.MARC8:
            marc8.yaz_marcdump()  # fail before the output file exists
        self._owned = isinstance(target, str | os.PathLike)
        self._fh: BinaryIO = open(target, "wb") if self._owned else target  # noqa: SIM115
        self._spool = tempfile.SpooledTemporaryFile(max_size=1 << 24) if self.encoding == enc.MARC8 else None
        if self.format == "marcxml":
            self._fh.write(COLLECTION_START)
        elif self.format == "json":
            self._fh.write(b"[")

    def write(self, record: Record) -> None:
        if self.format == "iso2709":
            if self._spool is not None:
                self._spool.write(record_bytes(record, enc.UTF8, form="MARC8"))
            else:
                self._fh.write(record_bytes(record, self.encoding))
        elif self.format == "marcxml":
            self._fh.write(record_xml(record) + b"\n")
        elif self.format == "json":
            text = record_json(record)
            self._fh.write((",\n" if self.count else "\n").encode() + text.encode("utf-8"))
        else:
            self._fh.write(_encode_text(record, record_text(record) + "\r\n", self.encoding))
        self.count += 1

    def close(self) -> None:
        if self._fh is None:
            return
        try:
            if self._spool is not None:
                marc8.transcode_file(self._spool, self._fh)
                self._spool.close()
            if self.format == "marcxml":
                self._fh.write(COLLECTION_END)
            elif self.format == "json":
                self._fh.write(b"\n]\n")
            self._fh.flush()
        finally:
            if self._owned:
                self._fh.close()
            self._fh = None

    def __enter__(self) -> MarcWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write(
    records: Iterable[Record], target: str | os.PathLike | BinaryIO, format: str | None = None,
    encoding: str = "utf-8",
) -> int:
    """Write every record; the first one that cannot be written raises MarcWriteError."""
    with MarcWriter(target, format, encoding) as writer:
        for record in records:
            writer.write(record)
        return writer.count
