"""Writing: byte-exact round trips, output yaz accepts, MARC-8 in and out, GB18030, MarcMaker."""
from __future__ import annotations

import functools
import io
import unicodedata

import pytest
from pymarc import Record

from app.marc.io import MarcWriteError, read, read_records, to_bytes, write
from app.marc.io.checks import output_leader

from .test_io_files import EXPECTED, YAZ_INPUT, needs_yaz, yaz_count

UTF8_ISO = [
    "marc21/marc4j_pride-and-prejudice-fixed.mrc",
    "marc21/yaz_marccol1.u8.marc",
    "marc21/yaz_marccol5.u8.marc",
    "marc21/evergreen_nepali.marc",
    "marc21/marc4j_brkrtest_UTF8.mrc",
    "marc21/pymarc_marc8-to-unicode.dat",
    "holdings/marc4j_sample1_bib_and_holdings.mrc",
]


@functools.lru_cache(maxsize=None)
def _read_once(path) -> list[Record]:
    """Good records of a shared file; cached because MARC-8 decoding is the slow part of the suite."""
    return read_records(path)[0]


def comparable(record: Record) -> dict:
    """Record content, leader without the positions ISO 2709 output recomputes or fixes."""
    data = record.as_dict()
    leader = output_leader(data["leader"])
    data["leader"] = leader[5:12] + leader[17:]
    return data


@pytest.mark.parametrize("name", UTF8_ISO)
def test_iso2709_to_marcxml_to_iso2709_gives_the_same_bytes(marc_data, name):
    raw = (marc_data / name).read_bytes()
    good = [r for r in read(raw) if r.ok]
    xml = io.BytesIO()
    write([r.record for r in good], xml, "marcxml")
    back = [r.record for r in read(xml.getvalue())]
    assert len(back) == len(good) > 0
    exact = 0
    for result, record in zip(good, back, strict=True):
        original = raw[result.offset:raw.index(b"\x1d", result.offset) + 1]
        out = to_bytes(record, "iso2709")
        structural = original[10:12] == b"22" and original[20:23] == b"450"
        if structural and unicodedata.is_normalized("NFC", original.decode("utf-8")):
            assert out == original
            exact += 1
        else:  # decomposed (NFD) text comes out NFC and a broken leader fixed, by either path
            assert out == to_bytes(result.record, "iso2709") != original
            assert unicodedata.is_normalized("NFC", out.decode("utf-8"))
    assert exact > 0 or name in ("marc21/yaz_marccol5.u8.marc", "marc21/evergreen_nepali.marc")  # all NFD


def _written(records, fmt):
    out = io.BytesIO()
    written = []
    from app.marc.io import MarcWriter

    with MarcWriter(out, fmt) as writer:
        for record in records:
            try:
                writer.write(record)
                written.append(record)
            except MarcWriteError:
                pass  # e.g. an ESC left by a broken MARC-8 escape cannot go into XML
    return out.getvalue(), written


READABLE = sorted(n for n, row in EXPECTED.items() if row[1] > 0)


@needs_yaz
@pytest.mark.parametrize("fmt", ["iso2709", "marcxml"])
@pytest.mark.parametrize("name", READABLE)
def test_yaz_reads_our_output_without_complaint(marc_data, tmp_path, name, fmt):
    records = _read_once(marc_data / name)
    data, written = _written(records, fmt)
    path = tmp_path / f"out.{fmt}"
    path.write_bytes(data)
    count, rc, printed = yaz_count(path, fmt)
    assert (count, rc, printed) == (len(written), 0, "")
    assert fmt in YAZ_INPUT


@pytest.mark.parametrize("fmt", ["iso2709", "marcxml", "json", "mrk"])
@pytest.mark.parametrize("name", READABLE)
def test_every_format_reads_back_what_it_wrote(marc_data, name, fmt):
    records = _read_once(marc_data / name)
    data, written = _written(records, fmt)
    back, errors = read_records(data, format=fmt)
    assert errors == []
    assert [comparable(r) for r in back] == [comparable(r) for r in written]


def test_marc8_input_equals_its_unicode_twin(marc_data):
    [marc8], _ = read_records(marc_data / "marc21/pymarc_marc8.dat")
    [unicode], _ = read_records(marc_data / "marc21/pymarc_marc8-to-unicode.dat")
    assert str(marc8.leader)[9] == "a"  # the record in memory is Unicode, and says so
    assert marc8.as_dict() == unicode.as_dict()
    values = [s.value for f in marc8.fields if not f.control_field for s in f.subfields]
    assert any(not v.isascii() for v in values)
    assert all(unicodedata.is_normalized("NFC", v) for v in values)


def test_mislabelled_utf8_is_read_as_utf8(marc_data):
    results = list(read(marc_data / "marc21/evergreen_FSL.marc"))
    assert all(r.ok and [w.code for w in r.warnings] == ["mislabelled_utf8"] for r in results)
    text = " ".join(f.value() for r in results for f in r.record.fields)
    assert any("\u0531" <= c <= "\u058f" for c in text)  # Armenian survived
    assert any("\u0400" <= c <= "\u04ff" for c in text)  # and Cyrillic
    assert "Ã" not in text  # not UTF-8 bytes decoded as MARC-8/Latin-1


def test_wrong_charset_under_marc8_label_is_flagged(marc_data):
    results = list(read(marc_data / "marc21/pymarc_1251.dat"))
    assert all(r.ok and [w.code for w in r.warnings] == ["not_marc8"] for r in results)
    fixed = [r.record for r in read(marc_data / "marc21/pymarc_1251.dat", encoding="cp1251")]
    assert fixed[0]["245"]["a"] == "Основы гидравлического расчета инженерных сетей"


def _cnmarc(marc_data) -> Record:
    records, _ = read_records(marc_data / "unimarc/dp2_sru_cnmarcxml.xml")
    return records[0]


def test_gb18030_cnmarc_round_trip(marc_data):
    record = _cnmarc(marc_data)
    data = to_bytes(record, "iso2709", "gb18030")
    assert "国家统计局编".encode("gb18030") in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    for encoding in (None, "gb18030", "gbk"):  # detected, or named
        [back], errors = read_records(data, encoding=encoding)
        assert errors == []
        assert back.as_dict()["fields"] == record.as_dict()["fields"]
        assert str(back.leader)[5:12] == str(record.leader)[5:12]
    assert [w.code for r in read(data) for w in r.warnings] == ["guessed_gb18030"]


def test_gbk_cannot_encode_everything():
    record = Record()
    record.leader = "00000nam0 2200000   450 "
    from pymarc import Field, Subfield

    record.add_field(Field("200", indicators=["1", " "], subfields=[Subfield("a", "表情 😀")]))
    with pytest.raises(MarcWriteError) as exc:
        to_bytes(record, "iso2709", "gbk")
    assert exc.value.code == "write_unencodable" and "200" in exc.value.en and "U+1F600" in exc.value.zh
    assert "😀".encode("gb18030") in to_bytes(record, "iso2709", "gb18030")


@needs_yaz
def test_marc8_output_matches_lc_test_file(marc_data):
    """brkrtest_UTF8.mrc written as MARC-8 is byte for byte LC's MARC-8 brkrtest.mrc."""
    records, _ = read_records(marc_data / "marc21/marc4j_brkrtest_UTF8.mrc")
    out = io.BytesIO()
    write(records, out, "iso2709", encoding="marc8")
    assert out.getvalue() == (marc_data / "marc21/marc4j_brkrtest.mrc").read_bytes()
    assert b"".join(to_bytes(r, "iso2709", "marc8") for r in records) == out.getvalue()


@needs_yaz
@pytest.mark.parametrize("name", [
    "marc21/yaz_marccol1.u8.marc", "marc21/evergreen_hebrew.marc", "marc21/yaz_marc9_marc8_arabic.marc",
    "marc21/marccharset_cjk4.marc", "marc21/evergreen_FSL.marc", "marc21/marc4j_pride-and-prejudice-fixed.mrc",
])
def test_marc8_output_reads_back(marc_data, name):
    """Scripts MARC-8 has (CJK, Hebrew, Arabic, Cyrillic) and scripts it lacks (Armenian: &#x…;)."""
    records = _read_once(marc_data / name)
    out = io.BytesIO()
    write(records, out, "iso2709", encoding="marc8")
    assert all(r[9:10] == b" " for r in out.getvalue().split(b"\x1d")[:-1])
    back, errors = read_records(out.getvalue())
    assert errors == []
    assert [comparable(r) for r in back] == [comparable(r) for r in records]


def test_marcmaker_oracle(marc_data):
    """LC's brkrtest.mrk (mnemonics, backslash blanks, CRLF) reads as its binary twin does."""
    mrk, errors = read_records(marc_data / "marc21/marc4j_brkrtest.mrk")
    mrc, _ = read_records(marc_data / "marc21/marc4j_brkrtest.mrc")
    assert errors == [] and len(mrk) == 8
    assert [r.as_dict() for r in mrk] == [r.as_dict() for r in mrc]
    text = to_bytes(mrc[0], "mrk").decode("utf-8")
    assert text.startswith("=LDR  01201nam a2200253 a 4500\r\n=001  tes96000001\\\r\n")
    assert "=008  960221s1955\\\\\\\\dcuabcdjdbkoqu001\\0deng\\d\r\n" in text
    assert "=040  \\\\$aViArRB$cViArRB\r\n" in text
    assert "({lcub}) and the closing curly brace ({rcub})" in text
    assert "(backsolidus \\) used" in text  # a backslash in subfield text stays literal


def test_marcmaker_mnemonics_in_utf8_text():
    text = "=LDR  00000nam a2200000 a 4500\n=245  10$aCo{dollar}t {lcub}x{rcub} d{acute}esir{acute}ee Łódź 中文{U+00E9}\n"
    [record], errors = read_records(text.encode("utf-8"), format="mrk")
    assert errors == []
    assert record["245"]["a"] == "Co$t {x} désirée Łódź 中文é"
    assert "{dollar}" in to_bytes(record, "mrk").decode()


def test_utf8_cnmarc_under_a_blank_leader_is_not_a_mislabel(marc_data):
    record = _cnmarc(marc_data)
    data = to_bytes(record, "iso2709")
    assert data[9:10] == b" " and "国家统计局编".encode() in data  # UNIMARC leader/09 stays blank
    [result] = list(read(data))
    assert result.ok and result.warnings == ()


@needs_yaz
@pytest.mark.parametrize("fmt", ["marcxml", "json"])
def test_yaz_reads_a_single_record_document(marc_data, tmp_path, fmt):
    """yaz's JSON reader takes one record per file, so to_bytes() output is what it can read."""
    path = tmp_path / f"one.{fmt}"
    path.write_bytes(to_bytes(_cnmarc(marc_data), fmt))
    assert yaz_count(path, fmt) == (1, 0, "")
