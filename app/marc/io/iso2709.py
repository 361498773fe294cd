"""ISO 2709 in and out, through pymarc, one record terminator (0x1D) at a time.

pymarc's MARCReader trusts the record length in each leader and gives up on the whole file when one
is wrong; yaz-marcdump reads on. We split the stream at 0x1D ourselves (a terminator cannot occur
inside UTF-8, MARC-8 or GB18030 text) and hand each piece to pymarc's Record, so one damaged record
costs only itself.
"""
from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from typing import BinaryIO

from pymarc import Leader, Record
from pymarc.exceptions import (
    BadSubfieldCodeWarning,
    BaseAddressInvalid,
    BaseAddressNotFound,
    NoFieldsFound,
    RecordDirectoryInvalid,
    RecordLeaderInvalid,
    TruncatedRecord,
)

from . import encodings as enc
from .checks import check_writable, output_leader
from .messages import Message, msg
from .results import MarcWriteError, ReadResult

BLOCK_SIZE = 1 << 20
_BLANKS = b" \t\r\n\x00\x1a"  # what editors and transfers leave between records
TERMINATOR = b"\x1d"
MAX_RECORD = 99999  # five digits of record length in the leader

# pymarc logs or warns about odd indicators and non-ASCII subfield codes; the validator reports
# those properly, per record, and a library must not spray them over a web server's log.
logging.getLogger("pymarc").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", category=BadSubfieldCodeWarning)


def iter_chunks(stream: BinaryIO) -> Iterator[tuple[int, bytes, str]]:
    """(byte offset, bytes, kind) for each piece of the stream, reading BLOCK_SIZE at a time.

    kind is "record" (ends with 0x1D), "tail" (the end of the file, no 0x1D) or "runaway" (more bytes
    than any record can have and still no 0x1D: passed on and dropped, so that a huge file of
    something else never piles up in memory).
    """
    buf = b""
    base = 0
    while True:
        block = stream.read(BLOCK_SIZE)
        if not block:
            break
        buf = buf + block if buf else block
        parts = buf.split(TERMINATOR)
        buf = parts.pop()
        pos = base
        for part in parts:
            yield pos, part + TERMINATOR, "record"
            pos += len(part) + 1
        base = pos
        if len(buf) > MAX_RECORD:
            yield base, buf, "runaway"
            base += len(buf)
            buf = b""
    if buf:
        yield base, buf, "tail"


def read_iso2709(stream: BinaryIO, encoding: str | None) -> Iterator[ReadResult]:
    index = 0
    runaway = False
    for offset, chunk, kind in iter_chunks(stream):
        if runaway:  # the rest of a runaway piece, up to the next 0x1D, was reported with it
            runaway = kind == "runaway"
            continue
        body = chunk.lstrip(_BLANKS)
        if not body or (kind != "record" and not body.strip(_BLANKS)):
            continue
        offset += len(chunk) - len(body)
        index += 1
        if kind == "runaway":
            runaway = True
            yield ReadResult(None, index, offset, error=msg("no_terminator", size=MAX_RECORD))
        elif kind == "tail":
            yield ReadResult(None, index, offset, error=msg("eof_in_record", size=len(body)))
        else:
            record, error, warns = decode_record(body, encoding)
            yield ReadResult(record, index, offset, error=error, warnings=warns)


def decode_record(chunk: bytes, encoding: str | None) -> tuple[Record | None, Message | None, tuple]:
    """One record from its bytes (ending in 0x1D): (record, None, warnings) or (None, error, ())."""
    if len(chunk) < 26 or not chunk[:5].isdigit() and not chunk[:24].isascii():
        return None, msg("junk", size=len(chunk), preview=_preview(chunk)), ()
    if not chunk[:5].isdigit():
        return None, msg("bad_record_length", value=_preview(chunk[:5])), ()
    if not chunk[:24].isascii():
        pos = next(i for i, b in enumerate(chunk[:24]) if b > 0x7F)
        return None, msg("bad_leader", detail=f"byte {pos} = 0x{chunk[pos]:02X}"), ()

    warns: list[Message] = []
    leader9 = chr(chunk[9])
    if encoding is None:
        charset = enc.UTF8 if leader9 == "a" else None
        if charset is None:
            charset, note = enc.guess_charset(chunk)
            if note is not None:
                warns.append(note)
    else:
        charset = encoding
    force_utf8 = charset in (enc.UTF8, "ascii")
    file_encoding = "iso8859-1" if charset == enc.MARC8 else charset
    if leader9 == "a" and not force_utf8:  # pymarc would read UTF-8 whatever file_encoding says
        chunk = chunk[:9] + b" " + chunk[10:]

    try:
        record = Record(
            chunk,
            to_unicode=True,
            force_utf8=force_utf8,
            hide_utf8_warnings=True,
            file_encoding=file_encoding if not force_utf8 else "iso8859-1",
        )
    except Exception as exc:  # noqa: BLE001 - every pymarc failure becomes a reported record
        return None, _explain(exc, chunk, charset), ()

    declared = int(chunk[:5])
    if declared != len(chunk):
        warns.append(msg("length_mismatch", declared=declared, actual=len(chunk)))
    enc.set_leader_pos(record, 9, leader9)
    enc.tidy_leader(record)
    if enc.is_marc21(record):
        enc.set_leader_pos(record, 9, "a")  # the record is Unicode now; MARC 21 says so in leader/09
    else:  # UNIMARC leaves leader/09 undefined: UTF-8 under a blank is no mislabel there
        warns = [w for w in warns if w.code != "mislabelled_utf8"]
    if charset in (enc.MARC8, "ascii") and leader9 != "a" and b"&#x" in chunk:
        enc.decode_ncrs(record)
        enc.nfc_record(record)
    elif charset != enc.MARC8 and not chunk.isascii():  # pymarc's MARC-8 decoder gives NFC already
        if not (charset == enc.UTF8 and enc.utf8_is_nfc(chunk)):
            enc.nfc_record(record)
    return record, None, tuple(warns)


def _preview(data: bytes) -> str:
    shown = data[:12]
    text = " ".join(f"{b:02X}" for b in shown)
    return text + (" …" if len(data) > len(shown) else "")


def _explain(exc: Exception, chunk: bytes, charset: str) -> Message:
    """A cataloguer's reason for a pymarc failure, naming the field where we can."""
    if isinstance(exc, TruncatedRecord):
        return msg("truncated", declared=int(chunk[:5]), actual=len(chunk))
    if isinstance(exc, BaseAddressNotFound | BaseAddressInvalid) or not chunk[12:17].isdigit():
        return msg("bad_base_address", value=chunk[12:17].decode("latin-1"))
    if isinstance(exc, RecordLeaderInvalid):
        return msg("bad_leader", detail="shorter than 24 bytes")
    if isinstance(exc, NoFieldsFound):
        return msg("no_fields")
    found = diagnose_directory(chunk)
    if found is not None:
        return found
    if isinstance(exc, RecordDirectoryInvalid):
        return msg("dir_not_multiple", size=int(chunk[12:17]) - 25)
    if isinstance(exc, UnicodeDecodeError):
        tag = _tag_with_bad_bytes(chunk, charset)
        name = {"utf-8": "UTF-8", "ascii": "ASCII", enc.MARC8: "MARC-8"}.get(charset, charset.upper())
        return msg("bad_charset", tag=tag or "?", charset=name)
    return msg("undecodable", detail=f"{type(exc).__name__}: {exc}")


def diagnose_directory(chunk: bytes) -> Message | None:
    """Where the directory and the data disagree, in the words yaz-marcdump uses.

    Only run after pymarc has refused a record: it explains, it never builds a record.
    """
    base = int(chunk[12:17])
    if base < 25 or base > len(chunk):
        return msg("bad_base_address", value=chunk[12:17].decode("latin-1"))
    if chunk[base - 1] != 0x1E:
        return msg("dir_no_terminator", pos=base - 1)
    directory = chunk[24:base - 1]
    if len(directory) % 12:
        return msg("dir_not_multiple", size=len(directory))
    for i in range(0, len(directory), 12):
        entry = directory[i:i + 12]
        tag = entry[:3].decode("latin-1")
        if not entry[3:].isdigit():
            return msg("dir_entry_not_digits", n=i // 12 + 1, tag=tag, entry=entry.decode("latin-1"))
        length, start = int(entry[3:7]), int(entry[7:12])
        end = base + start + length
        if length == 0 or end > len(chunk):
            return msg("dir_out_of_bounds", tag=tag, end=end, size=len(chunk))
        if chunk[end - 1] != 0x1E:
            return msg("dir_unterminated", tag=tag, start=start, length=length)
    return None


def _tag_with_bad_bytes(chunk: bytes, charset: str) -> str | None:
    if charset not in (enc.UTF8, "ascii"):
        return None
    try:
        record = Record(chunk, force_utf8=True, utf8_handling="replace", hide_utf8_warnings=True)
    except Exception:  # noqa: BLE001
        return None
    for f in record.fields:
        values = [f.data or ""] if f.control_field else [s.value for s in f.subfields]
        if any("\ufffd" in v for v in values):
            return f.tag
    return None


# ---------------------------------------------------------------- writing


def record_bytes(record: Record, encoding: str = enc.UTF8, form: str = "NFC") -> bytes:
    """ISO 2709 bytes of one record in UTF-8 or a Python codec (MARC-8 goes through marc8.py).

    form="MARC8" prepares the text for yaz's MARC-8 encoder (see encodings.for_marc8).
    """
    rec = enc.nfc_copy(record) if form == "NFC" else enc.map_values(record, enc.for_marc8)
    check_writable(rec, "iso2709")
    leader = output_leader(str(rec.leader))
    if encoding == enc.UTF8:
        out = Record()
        out.fields = rec.fields
        out.force_utf8 = True
        if enc.is_marc21(rec):
            leader = leader[:9] + "a" + leader[10:]
    else:
        # pymarc writes a non-Unicode record as ISO-8859-1, one byte per character: values that are
        # GB18030 (or other) bytes dressed as Latin-1 characters come out as exactly those bytes.
        out = enc.map_values(rec, lambda text: _encode(text, encoding, rec))
        out.force_utf8 = False
        leader = leader[:9] + " " + leader[10:]
    out.to_unicode = False  # so that as_marc neither changes our leader nor forces leader/09
    out.leader = Leader(leader)
    data = out.as_marc()
    _check_lengths(data, out, "utf-8" if encoding == enc.UTF8 else "iso8859-1")
    return data


def _encode(text: str, encoding: str, record: Record) -> str:
    try:
        return text.encode(encoding).decode("latin-1")
    except UnicodeEncodeError as exc:
        char = text[exc.start]
        raise MarcWriteError(
            msg("write_unencodable", tag=_field_with(record, text), char=f"U+{ord(char):04X} {char}",
                encoding=encoding.upper())
        ) from None


def _field_with(record: Record, text: str) -> str:
    for f in record.fields:
        if (f.data if f.control_field else None) == text or any(s.value == text for s in f.subfields):
            return f.tag
    return "?"


def _check_lengths(data: bytes, out: Record, codec: str) -> None:
    if len(data) > 99999:
        raise MarcWriteError(msg("write_too_long", what="记录", what_en="the record", size=len(data), limit=99999))
    base = 24 + 12 * len(out.fields) + 1
    if data[12:17] != f"{base:05d}".encode():  # a field of 10,000 bytes or more widened the directory
        for f in out.fields:
            size = len(f.as_marc(encoding=codec))
            if size > 9999:
                raise MarcWriteError(
                    msg("write_too_long", what=f"字段 {f.tag} ", what_en=f"field {f.tag}", size=size, limit=9999)
                )
