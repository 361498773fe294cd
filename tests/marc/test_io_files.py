"""Every shared MARC file is read; counts are checked against yaz-marcdump run in the test.

Where we differ from yaz on purpose the row says why; docs/marc-io.md has the same table.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from app.marc.io import FORMATS, read
from app.marc.io.messages import CATALOGUE

YAZ = shutil.which("yaz-marcdump")
needs_yaz = pytest.mark.skipif(
    YAZ is None and os.environ.get("CI") != "true",
    reason="yaz-marcdump not installed (apt-get install yaz); required when CI=true",
)
YAZ_INPUT = {"iso2709": "marc", "marcxml": "marcxml", "json": "json"}


def yaz_count(path, fmt: str) -> tuple[int, int, str]:
    """(records yaz read, exit code, what it printed on stdout: warnings, since -n prints no records)."""
    proc = subprocess.run(
        [YAZ or "yaz-marcdump", "-n", "-r", "-i", YAZ_INPUT[fmt], str(path)],
        capture_output=True, text=True, errors="replace", check=False,
    )
    found = re.search(r"records read: (\d+)", proc.stderr)
    assert found, f"no record count from yaz-marcdump: {proc.stderr!r}"
    return int(found.group(1)), proc.returncode, proc.stdout


AGREE = "agree"
# file: (format, our records, our errors, yaz records, yaz exit code, why the totals differ)
EXPECTED = {
    "authority/evergreen_auth-1066.mrc": ("iso2709", 1066, 0, 1066, 0, AGREE),
    "broken/filemarc_wronglen.mrc": ("iso2709", 1, 0, 1, 0, AGREE),
    "broken/marc4j_bad_oversize_field_bad_directory.mrc": ("iso2709", 4, 1, 5, 0, AGREE),
    "broken/marc4j_chabon-missing-subfield-code.xml": (
        "marcxml", 0, 1, 1, 0, "yaz silently accepts a <subfield> without code; we reject the record"),
    "broken/marc4j_pride-and-prejudice-with-many-errors.mrc": ("iso2709", 298, 85, 383, 0, AGREE),
    "broken/marcrecord_badldr.usmarc": (
        "iso2709", 6, 2, 6, 5, "yaz skips a stray 0x1D and a trailing byte with a warning; we report both"),
    "broken/pymarc_bad_marc8_escape.dat": ("iso2709", 1, 0, 1, 0, AGREE),
    "broken/pymarc_bad_records.mrc": (
        "iso2709", 2, 7, 8, 5, "yaz does not count the cut-off 9th record (premature EOF); we report it"),
    "broken/rubymarc_marc_with_bad_utf8.utf8.marc": ("iso2709", 0, 1, 1, 0, AGREE),
    "broken/rubymarc_three-records-second-bad.xml": (
        "marcxml", 1, 1, 1, 0, "yaz stops at the XML error with exit 0; we report where it broke"),
    "holdings/evergreen_serials_marc21.xml": (
        "marcxml", 7, 0, 1, 0, "several <record> roots: yaz stops after the first, we read all 7"),
    "holdings/evergreen_serials_mfhd.xml": ("marcxml", 7, 0, 7, 0, AGREE),
    "holdings/marc4j_sample1_bib_and_holdings.mrc": ("iso2709", 7, 1, 8, 0, AGREE),
    "marc21/evergreen_FSL.marc": ("iso2709", 52, 0, 52, 0, AGREE),
    "marc21/evergreen_badisbns.xml": ("marcxml", 10, 0, 10, 0, AGREE),
    "marc21/evergreen_hebrew.marc": ("iso2709", 20, 0, 20, 0, AGREE),
    "marc21/evergreen_jazz_1k.mrc": ("iso2709", 1000, 0, 1000, 0, AGREE),
    "marc21/evergreen_nepali.marc": ("iso2709", 96, 0, 96, 0, AGREE),
    "marc21/marc4j_brkrtest.mrc": ("iso2709", 8, 0, 8, 0, AGREE),
    "marc21/marc4j_brkrtest.mrk": ("mrk", 8, 0, None, None, "yaz has no MarcMaker reader"),
    "marc21/marc4j_brkrtest_UTF8.mrc": ("iso2709", 8, 0, 8, 0, AGREE),
    "marc21/marc4j_marc-in-json.json": ("json", 1, 0, 1, 0, AGREE),
    "marc21/marc4j_pride-and-prejudice-fixed.mrc": ("iso2709", 383, 0, 383, 0, AGREE),
    "marc21/marccharset_cjk4.marc": ("iso2709", 1, 0, 1, 0, AGREE),
    "marc21/marccharset_cyrillic.marc": ("iso2709", 1, 0, 1, 0, AGREE),
    "marc21/pymarc_1251.dat": ("iso2709", 6, 0, 6, 0, AGREE),
    "marc21/pymarc_batch.xml": ("marcxml", 2, 0, 2, 0, AGREE),
    "marc21/pymarc_marc8-to-unicode.dat": ("iso2709", 1, 0, 1, 0, AGREE),
    "marc21/pymarc_marc8.dat": ("iso2709", 1, 0, 1, 0, AGREE),
    "marc21/yaz_marc12_marc8_cjk.marc": ("iso2709", 1, 0, 1, 0, AGREE),
    "marc21/yaz_marc9_marc8_arabic.marc": ("iso2709", 1, 0, 1, 0, AGREE),
    "marc21/yaz_marccol1.u8.marc": ("iso2709", 19, 0, 19, 0, AGREE),
    "marc21/yaz_marccol5.u8.marc": ("iso2709", 11, 0, 11, 0, AGREE),
    "sru/dp2_sru_isohold.xml": ("marcxml", 0, 10, 10, 5, AGREE),
    "sru/dp2_sru_marcxml.xml": ("marcxml", 10, 0, 20, 0, "yaz counts each SRU wrapper <record> too"),
    "unimarc/dp2_sru_cnmarcxml.xml": ("marcxml", 10, 0, 20, 0, "yaz counts each SRU wrapper <record> too"),
    "unimarc/dp2_sru_unimarcxml.xml": ("marcxml", 10, 0, 20, 0, "yaz counts each SRU wrapper <record> too"),
    "unimarc/marcrecord_rusmarc_2.iso": (
        "iso2709", 0, 1, 1, 0, "non-ASCII leader/06: yaz guesses 'a', we reject the record"),
    "unimarc/marcrecord_rusmarc_marcxml_1.xml": ("marcxml", 12, 0, 12, 0, AGREE),
    "unimarc/pymarc_testunimarc.dat": ("iso2709", 1, 0, 1, 0, AGREE),
}


def test_table_covers_every_shared_file(marc_data):
    on_disk = {
        p.relative_to(marc_data).as_posix() for p in marc_data.rglob("*") if p.is_file() and p.suffix != ".md"
    }
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts(marc_data, name):
    fmt, ok, errors, *_ = EXPECTED[name]
    results = list(read(marc_data / name))
    assert [r.index for r in results] == list(range(1, len(results) + 1))
    assert (sum(r.ok for r in results), sum(not r.ok for r in results)) == (ok, errors)
    for r in results:
        assert (r.record is None) == (r.error is not None)
        if r.error is not None:
            assert r.offset is not None or r.line is not None, r  # every error says where
            assert r.error.code in CATALOGUE and r.error.zh and r.error.en
            assert "{" not in r.error.en and "{" not in r.error.zh  # every placeholder filled


@needs_yaz
@pytest.mark.parametrize("name", sorted(n for n, row in EXPECTED.items() if row[3] is not None))
def test_counts_against_yaz(marc_data, name):
    fmt, ok, errors, yaz_records, yaz_rc, why = EXPECTED[name]
    assert fmt in FORMATS
    assert yaz_count(marc_data / name, fmt)[:2] == (yaz_records, yaz_rc)
    if why == AGREE:
        assert ok + errors == yaz_records


def _errors(path):
    return [(r.index, r.offset, r.line, r.error.code) for r in read(path) if not r.ok]


def test_damaged_iso2709_positions_and_reasons(marc_data):
    broken = marc_data / "broken"
    assert _errors(broken / "marcrecord_badldr.usmarc") == [
        (3, 472, None, "junk"),  # a second 0x1D after record 2
        (8, 1717, None, "eof_in_record"),
    ]
    assert _errors(broken / "pymarc_bad_records.mrc") == [
        (2, 127, None, "bad_base_address"),
        (3, 254, None, "bad_base_address"),
        (4, 381, None, "dir_not_multiple"),
        (5, 509, None, "dir_not_multiple"),  # a 2-byte "ù" inside a directory entry
        (6, 637, None, "bad_base_address"),
        (7, 764, None, "no_fields"),
        (9, 917, None, "eof_in_record"),
    ]
    assert _errors(broken / "marc4j_bad_oversize_field_bad_directory.mrc") == [(2, 1571, None, "dir_not_multiple")]
    assert _errors(marc_data / "unimarc/marcrecord_rusmarc_2.iso") == [(1, 0, None, "bad_leader")]


def test_invalid_utf8_names_the_field(marc_data):
    [bad] = [r for r in read(marc_data / "holdings/marc4j_sample1_bib_and_holdings.mrc") if not r.ok]
    assert (bad.index, bad.offset, bad.error.code) == (7, 5202, "bad_charset")
    assert "245" in bad.error.en and "UTF-8" in bad.error.en and "245" in bad.error.zh


def test_damaged_records_do_not_stop_the_file(marc_data):
    results = list(read(marc_data / "broken/marc4j_pride-and-prejudice-with-many-errors.mrc"))
    codes = [r.error.code for r in results if not r.ok]
    # 16 damaged directories; 69 records whose leader/09 says UTF-8 over MARC-8 bytes
    assert (codes.count("dir_not_multiple"), codes.count("bad_charset"), len(codes)) == (16, 69, 85)
    assert results[-1].ok and results[-1].index == 383  # the last record is still read


def test_xml_errors(marc_data):
    assert _errors(marc_data / "broken/marc4j_chabon-missing-subfield-code.xml") == [(1, None, 2, "xml_no_code")]
    results = list(read(marc_data / "broken/rubymarc_three-records-second-bad.xml"))
    assert [r.ok for r in results] == [True, False]
    assert (results[1].line, results[1].error.code) == (72, "xml_syntax")
    assert "72" in results[1].error.en


def test_sru_envelope_is_not_a_record(marc_data):
    results = list(read(marc_data / "unimarc/dp2_sru_cnmarcxml.xml"))
    assert len(results) == 10 and all(r.ok for r in results)
    first = results[0].record
    assert str(first.leader) == "01576nam0 2200409   4500"  # dp2's '-' blanks normalised
    assert first["200"]["a"] == "'94中国发展报告"
    assert {str(r.record["001"].data) for r in results} == {
        str(r.record["001"].data) for r in read(marc_data / "unimarc/dp2_sru_unimarcxml.xml")
    }
    holdings = list(read(marc_data / "sru/dp2_sru_isohold.xml"))
    assert {r.error.code for r in holdings} == {"sru_no_marc"} and "isohold" in holdings[0].error.en


def test_several_roots_are_read_with_a_warning(marc_data):
    results = list(read(marc_data / "holdings/evergreen_serials_marc21.xml"))
    assert len(results) == 7 and all(r.ok for r in results)
    assert [w.code for r in results for w in r.warnings] == ["xml_several_roots"]
