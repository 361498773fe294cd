"""`marc convert` and `marc show` through click's runner."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from app.marc.cli import marc_group
from app.marc.io import read_records


@pytest.fixture
def run():
    def invoke(*args):
        return CliRunner().invoke(marc_group, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_convert_by_extension(run, marc_data, tmp_path):
    out = tmp_path / "cnmarc.mrc"
    result = run("convert", marc_data / "unimarc/dp2_sru_cnmarcxml.xml", out)
    assert result.exit_code == 0, result.output
    records, errors = read_records(out)
    assert len(records) == 10 and errors == []
    assert "10 records written" in result.stderr


def test_convert_reports_damaged_records_and_converts_the_rest(run, marc_data, tmp_path):
    out = tmp_path / "out.xml"
    result = run("convert", marc_data / "broken/pymarc_bad_records.mrc", out)
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if ": record " in line]
    assert len(problems) == 7
    assert "record 2, byte 127: the base address" in problems[0] and "数据起始地址" in problems[0]
    records, _ = read_records(out)
    assert len(records) == 2


def test_convert_to_stdout_and_encodings(run, marc_data):
    result = run("convert", marc_data / "unimarc/dp2_sru_cnmarcxml.xml", "-", "--to", "iso2709",
                 "--encoding", "gb18030")
    assert result.exit_code == 0
    assert "国家统计局编".encode("gb18030") in result.stdout_bytes
    bad = run("convert", marc_data / "unimarc/dp2_sru_cnmarcxml.xml", "-", "--to", "marcxml", "--encoding", "gbk")
    assert bad.exit_code == 2 and "UTF-8" in bad.stderr and bad.stdout_bytes == b""


def test_unreadable_input_is_one_line(run, tmp_path):
    empty = tmp_path / "empty.mrc"
    empty.write_bytes(b"")
    for source, words in ((tmp_path / "missing.mrc", "not found"), (empty, "empty")):
        result = run("convert", source, tmp_path / "out.mrc")
        assert result.exit_code == 2
        assert len(result.stderr.splitlines()) == 1 and words in result.stderr
        assert "Traceback" not in result.output
    assert not (tmp_path / "out.mrc").exists()


def test_same_file_is_refused(run, marc_data, tmp_path):
    path = tmp_path / "a.mrc"
    path.write_bytes((marc_data / "marc21/pymarc_marc8.dat").read_bytes())
    result = run("convert", path, path)
    assert result.exit_code == 2 and path.read_bytes() == (marc_data / "marc21/pymarc_marc8.dat").read_bytes()


def test_show_prints_marcmaker(run, marc_data):
    result = run("show", marc_data / "broken/marcrecord_badldr.usmarc")
    assert result.exit_code == 1
    assert result.stdout.count("=LDR  ") == 6 and "\r" not in result.stdout
    assert len(result.stderr.splitlines()) == 2 and "byte 472" in result.stderr


def test_help_documents_exit_status(run):
    text = run("convert", "--help").output
    assert "Exit status" in text and "1  some items" in text and "2  the input" in text
