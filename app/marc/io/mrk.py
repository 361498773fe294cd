r"""MarcMaker text (.mrk), the form MarcEdit and LC's MARCMaker use.

    =LDR  00714cam a2200205 a 4500
    =008  960221s1955\\\\dcu
    =245  10$aTitle :$bsubtitle /$cby {lcub}someone{rcub}.

A backslash is a blank in the leader, control fields and indicators, and a literal backslash in
subfield text; {name} is a character mnemonic. pymarc's MARCMakerReader keeps backslashes as
characters, knows no mnemonics and no CRLF, and reports no line numbers, so the lines are split
here and the records are built from pymarc's Leader, Field and Subfield.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from pymarc import Field, Indicators, Leader, Record, Subfield

from . import encodings as enc
from . import mnemonics
from .checks import check_writable, output_leader
from .messages import Message, msg
from .results import ReadResult


class _LineError(Exception):
    def __init__(self, message: Message):
        self.message = message


def _lines(stream: BinaryIO, charset: str) -> Iterator[tuple[int, str | None]]:
    """(line number, text or None when the bytes are not in the charset)."""
    for number, raw in enumerate(stream, 1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf") and charset == "utf-8":
            raw = raw[3:]
        raw = raw.rstrip(b"\r\n")
        try:
            yield number, raw.decode(charset)
        except UnicodeDecodeError:
            yield number, None


def read_mrk(stream: BinaryIO, encoding: str | None) -> Iterator[ReadResult]:
    charset = "utf-8" if encoding in (None, enc.UTF8, "ascii", enc.MARC8) else encoding
    index = 0
    block: list[tuple[int, str | None]] = []
    for number, text in _lines(stream, charset):
        starts_record = text is not None and text.startswith("=LDR")
        if (text is not None and not text.strip()) or (starts_record and block):
            if block:
                index += 1
                yield _record(block, index, charset)
                block = []
            if not starts_record:
                continue
        block.append((number, text))
    if block:
        index += 1
        yield _record(block, index, charset)


def _record(block: list[tuple[int, str | None]], index: int, charset: str) -> ReadResult:
    first_line = block[0][0]
    record = Record()
    unknown: list[str] = []
    has_leader = False
    try:
        for number, text in block:
            if text is None:
                raise _LineError(msg("mrk_not_text", line=number, charset=charset.upper()))
            item = _parse_line(text, number, unknown)
            if isinstance(item, Leader):
                record.leader = item
                has_leader = True
            else:
                record.add_field(item)
    except _LineError as exc:
        return ReadResult(None, index, line=first_line, error=exc.message)
    if not has_leader:
        return ReadResult(None, index, line=first_line, error=msg("mrk_no_leader", line=first_line))
    enc.tidy_leader(record)
    if enc.is_marc21(record):
        enc.set_leader_pos(record, 9, "a")
    enc.nfc_record(record)
    warns = tuple(msg("mrk_unknown_mnemonic", mnemonic=m) for m in dict.fromkeys(unknown))
    return ReadResult(record, index, line=first_line, warnings=warns)


def _parse_line(text: str, number: int, unknown: list[str]) -> Leader | Field:
    def fail(detail: str):
        raise _LineError(msg("mrk_bad_line", line=number, detail=detail))

    if not text.startswith("=") or len(text) < 6 or text[4:6] != "  ":
        fail("expected '=TAG  ' (an equals sign, a tag and two spaces)")
    tag, body = text[1:4], text[6:]
    if tag == "LDR":
        leader = _fixed(body, unknown)
        if len(leader) != 24:
            fail(f"the leader has {len(leader)} characters, not 24")
        return Leader(leader)
    if tag < "010" and tag.isdigit():
        return Field(tag, data=_fixed(body, unknown))
    if len(body) < 2:
        fail(f"field {tag} has no indicators")
    ind = tuple(" " if c == "\\" else c for c in body[:2])
    rest = body[2:]
    if rest and not rest.startswith("$"):
        fail(f"field {tag}: a subfield must follow the indicators, starting with '$'")
    subfields = []
    for part in rest[1:].split("$") if rest else ():
        if not part:
            fail(f"field {tag} has an empty subfield ('$' with no code)")
        subfields.append(Subfield(part[0], mnemonics.decode(part[1:], unknown)))
    return Field(tag, indicators=Indicators(*ind), subfields=subfields)


def _fixed(body: str, unknown: list[str]) -> str:
    return mnemonics.decode(body.replace("\\", " "), unknown)


# ---------------------------------------------------------------- writing


def record_text(record: Record, newline: str = "\r\n") -> str:
    """One record as MarcMaker lines (CRLF by default, as MARCMaker and MarcEdit expect)."""
    rec = enc.nfc_copy(record)
    check_writable(rec, "mrk")
    leader = output_leader(str(rec.leader))
    if enc.is_marc21(rec):
        leader = leader[:9] + "a" + leader[10:]
    lines = [f"=LDR  {leader}"]
    for f in rec.fields:
        if f.control_field:
            lines.append(f"={f.tag}  {mnemonics.encode_fixed(f.data or '')}")
        else:
            ind = "".join("\\" if c == " " else c for c in f.indicators)
            subs = "".join(f"${s.code}{mnemonics.encode_data(s.value)}" for s in f.subfields)
            lines.append(f"={f.tag}  {ind}{subs}")
    return newline.join(lines) + newline
