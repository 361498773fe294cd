"""MARC-in-JSON (the code4lib proposal pymarc and yaz implement), in and out.

A file may hold one record object, an array of them, or one object per line (JSON Lines, as
exports and log pipelines write). Records are built here from pymarc's classes rather than through
pymarc.JSONReader because that reader stops at the first malformed object with a bare KeyError;
here each object is checked and a bad one is reported by its number.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from pymarc import Field, Indicators, Leader, Record, Subfield

from . import encodings as enc
from .checks import check_writable, output_leader
from .messages import msg
from .results import ReadResult

_decoder = json.JSONDecoder(strict=False)


class _Bad(Exception):
    pass


def read_json(stream: BinaryIO, encoding: str | None = None) -> Iterator[ReadResult]:
    try:
        text = stream.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield ReadResult(None, 1, offset=exc.start, error=msg("not_utf8", pos=exc.start))
        return
    index = 0
    pos = 0
    end = len(text)
    while True:
        while pos < end and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= end:
            return
        line = text.count("\n", 0, pos) + 1
        try:
            value, pos = _decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            index += 1
            yield ReadResult(
                None, index, line=exc.lineno,
                error=msg("json_syntax", line=exc.lineno, column=exc.colno, detail=exc.msg),
            )
            nxt = text.find("\n", exc.pos)  # JSON Lines: the next line may be fine
            if nxt < 0:
                return
            pos = nxt + 1
            continue
        objects = value if isinstance(value, list) else [value]
        for obj in objects:
            index += 1
            try:
                record = _record(obj)
            except _Bad as exc:
                yield ReadResult(None, index, line=line, error=msg("json_bad_record", detail=str(exc)))
                continue
            yield ReadResult(record, index, line=line)


def _record(obj) -> Record:
    if not isinstance(obj, dict):
        raise _Bad(f"expected an object, found {type(obj).__name__}")
    leader = obj.get("leader")
    if not isinstance(leader, str) or len(leader) != 24:
        raise _Bad("'leader' must be a string of 24 characters")
    fields = obj.get("fields")
    if not isinstance(fields, list):
        raise _Bad("'fields' must be a list")
    record = Record()
    record.leader = Leader(leader)
    for item in fields:
        if not isinstance(item, dict) or len(item) != 1:
            raise _Bad("each field must be an object with one tag")
        (tag, body), = item.items()
        control = tag < "010" and tag.isdigit()
        if control != isinstance(body, str):
            kind = "a string" if control else "an object with ind1, ind2 and subfields"
            raise _Bad(f"field {tag} must be {kind}")
        if control:
            record.add_field(Field(tag, data=body))
            continue
        if not isinstance(body, dict) or not isinstance(body.get("subfields"), list):
            raise _Bad(f"field {tag} needs a string or an object with 'subfields'")
        subfields = []
        for sub in body["subfields"]:
            if not isinstance(sub, dict) or len(sub) != 1:
                raise _Bad(f"a subfield of field {tag} is not an object with one code")
            (code, value), = sub.items()
            if not isinstance(value, str):
                raise _Bad(f"subfield ${code} of field {tag} is not a string")
            subfields.append(Subfield(code, value))
        ind = (body.get("ind1", " "), body.get("ind2", " "))
        if not all(isinstance(i, str) and len(i) == 1 for i in ind):
            raise _Bad(f"field {tag} has indicators that are not single characters")
        record.add_field(Field(tag, indicators=Indicators(*ind), subfields=subfields))
    enc.tidy_leader(record)
    if enc.is_marc21(record):
        enc.set_leader_pos(record, 9, "a")
    return enc.nfc_record(record)


def record_json(record: Record) -> str:
    rec = enc.nfc_copy(record)
    check_writable(rec, "json")
    data = rec.as_dict()
    leader = output_leader(data["leader"])
    if enc.is_marc21(rec):
        leader = leader[:9] + "a" + leader[10:]
    data["leader"] = leader
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
