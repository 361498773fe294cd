"""read(): open a path, bytes or binary file, decide the format once, stream ReadResults."""
from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import BinaryIO

from pymarc import Record

from .detect import SNIFF_SIZE, format_from_extension, normalise_format, sniff
from .encodings import normalise_encoding
from .iso2709 import read_iso2709
from .marcjson import read_json
from .marcxml import read_marcxml
from .messages import msg
from .mrk import read_mrk
from .results import MarcReadError, ReadResult

READERS = {"iso2709": read_iso2709, "marcxml": read_marcxml, "json": read_json, "mrk": read_mrk}
Source = str | os.PathLike | bytes | bytearray | BinaryIO


def read(source: Source, format: str | None = None, encoding: str | None = None) -> Iterator[ReadResult]:
    """Every item of the file in order: a record, or a damaged item with its position and reason.

    Raises MarcReadError at once (not on first iteration) for a file that cannot be read at all.
    `encoding` (None = decide per record) matters for ISO 2709 and MarcMaker text: 'utf-8',
    'marc8', 'gb18030', 'gbk' or any Python codec name.
    """
    stream, name, owned = _open(source)
    try:
        head = _peek(stream)
        if not head.strip(b" \t\r\n\x00"):
            raise MarcReadError(msg("file_empty", path=name))
        if format is not None:
            fmt = normalise_format(format)
        else:
            fmt = sniff(head) or (format_from_extension(name) if not name.startswith("<") else None)
            if fmt is None:
                raise MarcReadError(msg("unknown_format", path=name))
        charset = normalise_encoding(encoding, MarcReadError)
    except BaseException:
        if owned:
            stream.close()
        raise
    return _results(READERS[fmt](stream, charset), stream if owned else None)


def read_records(
    source: Source, format: str | None = None, encoding: str | None = None
) -> tuple[list[Record], list[ReadResult]]:
    """(good records, results of the damaged items) for callers that want the whole file at once."""
    records, errors = [], []
    for result in read(source, format, encoding):
        if result.error is None:
            records.append(result.record)
        else:
            errors.append(result)
    return records, errors


def _results(results: Iterator[ReadResult], owned: BinaryIO | None) -> Iterator[ReadResult]:
    try:
        yield from results
    finally:
        if owned is not None:
            owned.close()


def _open(source: Source) -> tuple[BinaryIO, str, bool]:
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source)), "<bytes>", False
    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            if os.path.isdir(name):
                raise IsADirectoryError(21, "is a directory")
            return open(name, "rb"), name, True  # noqa: SIM115 - closed by _results
        except FileNotFoundError:
            raise MarcReadError(msg("file_not_found", path=name)) from None
        except OSError as exc:
            raise MarcReadError(msg("file_unreadable", path=name, reason=exc.strerror or exc)) from None
    if isinstance(source, io.TextIOBase):
        source = source.buffer
    name = getattr(source, "name", None)
    return source, name if isinstance(name, str) else "<stream>", False


def _peek(stream: BinaryIO) -> bytes:
    """The first bytes, leaving the stream where it was (buffered or seekable streams only)."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return peek(SNIFF_SIZE)[:SNIFF_SIZE]
    if stream.seekable():
        pos = stream.tell()
        head = stream.read(SNIFF_SIZE)
        stream.seek(pos)
        return head
    raise MarcReadError(msg("file_unreadable", path=getattr(stream, "name", "<stream>"), reason="not seekable"))
