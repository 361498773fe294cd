"""The public API's edges: detection, whole-file errors, streaming, leaders, writers."""
from __future__ import annotations

import io

import pytest
from pymarc import Field, Record, Subfield

import app.marc.io.iso2709 as iso2709
from app.marc.io import (
    FORMATS, MarcReadError, MarcWriteError, MarcWriter, detect_format, read, read_records, to_bytes, write,
)


def test_formats_are_detected_from_content_first(marc_data, tmp_path):
    m21 = marc_data / "marc21"
    assert detect_format(m21 / "pymarc_batch.xml") == "marcxml"
    assert detect_format(m21 / "marc4j_marc-in-json.json") == "json"
    assert detect_format(m21 / "marc4j_brkrtest.mrk") == "mrk"
    assert detect_format(m21 / "pymarc_marc8.dat") == "iso2709"
    disguised = tmp_path / "records.txt"  # the name says text, the bytes say ISO 2709
    disguised.write_bytes((m21 / "pymarc_marc8.dat").read_bytes())
    assert detect_format(disguised) == "iso2709"
    assert detect_format(b"\xef\xbb\xbf<?xml version='1.0'?><collection/>") == "marcxml"
    with pytest.raises(MarcReadError) as exc:
        detect_format(b"%PDF-1.4 not marc")
    assert exc.value.code == "unknown_format" and exc.value.zh and exc.value.en
    assert FORMATS == ("iso2709", "marcxml", "json", "mrk")


def test_whole_file_errors_raise_at_once(tmp_path):
    with pytest.raises(MarcReadError) as exc:
        read(tmp_path / "nope.mrc")  # no iteration needed
    assert exc.value.code == "file_not_found"
    (tmp_path / "blank.xml").write_bytes(b"  \n")
    with pytest.raises(MarcReadError, match="empty"):
        read(tmp_path / "blank.xml")
    with pytest.raises(MarcReadError) as exc:
        read(tmp_path)
    assert exc.value.code == "file_unreadable"
    with pytest.raises(MarcReadError):
        read(b"00000", format="pdf")
    with pytest.raises(MarcReadError):
        read(b"00000", encoding="no-such-charset")


def test_streaming_across_block_boundaries(marc_data, monkeypatch):
    """Records split across read blocks come out whole, at the right offsets."""
    data = (marc_data / "broken/marcrecord_badldr.usmarc").read_bytes()
    expected = [(r.index, r.offset, r.ok) for r in read(data)]
    monkeypatch.setattr(iso2709, "BLOCK_SIZE", 7)
    assert [(r.index, r.offset, r.ok) for r in read(io.BytesIO(data))] == expected


def test_blank_lines_between_records_are_skipped(marc_data):
    one = (marc_data / "marc21/pymarc_marc8-to-unicode.dat").read_bytes()
    results = list(read(one + b"\r\n" + one + b"\n"))
    assert [(r.ok, r.offset) for r in results] == [(True, 0), (True, len(one) + 2)]


def test_record_length_off_is_a_warning(marc_data):
    [result] = list(read(marc_data / "broken/filemarc_wronglen.mrc"))
    assert result.ok and [w.code for w in result.warnings] == ["length_mismatch"]


def _record() -> Record:
    record = Record()
    record.leader = "01576nam0-2200409---4500"
    record.add_field(Field("001", data="x 1"))
    record.add_field(Field("200", indicators=["1", " "], subfields=[Subfield("a", "题名")]))
    return record


def test_dash_leaders_are_normalised_on_every_format():
    for fmt in FORMATS:
        [back], errors = read_records(to_bytes(_record(), fmt))
        leader = str(back.leader)
        assert errors == [] and (leader[5:12], leader[17:]) == ("nam0 22", "   4500"), fmt


def test_writers_refuse_what_would_corrupt_the_output():
    record = _record()
    record.add_field(Field("300", indicators=[" ", " "], subfields=[Subfield("a", "bad\x1etext")]))
    for fmt in FORMATS:
        with pytest.raises(MarcWriteError) as exc:
            to_bytes(record, fmt)
        assert "300" in exc.value.en
    long = _record()
    long.add_field(Field("500", indicators=[" ", " "], subfields=[Subfield("a", "长" * 4000)]))
    with pytest.raises(MarcWriteError) as exc:
        to_bytes(long, "iso2709")
    assert exc.value.code == "write_too_long" and "500" in exc.value.en
    assert read_records(to_bytes(long, "marcxml"))[0][0]["500"]["a"] == "长" * 4000


def test_writer_goes_on_after_a_bad_record(tmp_path):
    bad = _record()
    bad.add_field(Field("300", indicators=[" ", " "], subfields=[Subfield("a", "\x1d")]))
    path = tmp_path / "out.json"
    with MarcWriter(path) as writer:
        writer.write(_record())
        with pytest.raises(MarcWriteError):
            writer.write(bad)
        writer.write(_record())
    records, errors = read_records(path)
    assert len(records) == 2 and errors == []
    assert write([_record()], tmp_path / "one.mrk") == 1
    assert read_records(tmp_path / "one.mrk")[0][0]["200"]["a"] == "题名"


def test_json_lines_and_bad_objects():
    good = to_bytes(_record(), "json").strip()
    data = good + b"\n{not json}\n" + b'{"leader": "short", "fields": []}\n' + good + b"\n"
    results = list(read(data))
    assert [(r.ok, r.error and r.error.code) for r in results] == [
        (True, None), (False, "json_syntax"), (False, "json_bad_record"), (True, None)]
    assert results[1].line == 2


def test_marcmaker_errors_name_the_line():
    text = "=LDR  00000nam a2200000 a 4500\n=245  10$aok\n\n=LDR  00000nam a2200000 a 4500\n245 no equals\n"
    results = list(read(text.encode(), format="mrk"))
    assert [r.ok for r in results] == [True, False]
    assert results[1].line == 4 and "line 5" in results[1].error.en


def test_a_runaway_stretch_is_dropped_not_buffered(marc_data, monkeypatch):
    one = (marc_data / "marc21/pymarc_marc8-to-unicode.dat").read_bytes()
    monkeypatch.setattr(iso2709, "BLOCK_SIZE", 4096)
    garbage = b"x" * 250_000 + b"\x1d"
    results = list(read(io.BytesIO(one + garbage + one)))
    assert [(r.ok, r.offset, r.error and r.error.code) for r in results] == [
        (True, 0, None), (False, len(one), "no_terminator"), (True, len(one) + len(garbage), None)]
