"""`marc validate FILE [--json]`: text and JSON output, messages by language, exit codes."""
from __future__ import annotations

import json

from click.testing import CliRunner

from app.marc.cli import marc_group

from .test_validate import cnmarc_book, marc21_book


def run(*args, env=None):
    return CliRunner().invoke(marc_group, ["validate", *args], env=env or {"LANG": ""})


def write_iso(path, *records):
    with open(path, "wb") as fh:
        for rec in records:
            rec.force_utf8 = True
            fh.write(rec.as_marc())
    return str(path)


def test_clean_file_exits_0(tmp_path):
    result = run(write_iso(tmp_path / "ok.mrc", marc21_book(), marc21_book()))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "0 errors, 0 warnings" in result.stderr


def test_warnings_alone_exit_0_and_print_one_line_each(tmp_path):
    result = run(write_iso(tmp_path / "w.mrc", marc21_book(drop=("650",))), "--lang", "en")
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    assert line.split("\t")[:4] == ["1", "600", "warning", "field.recommended_missing"]
    assert "mandatory if applicable" in line


def test_errors_exit_1_with_record_number_tag_and_occurrence(tmp_path):
    bad = marc21_book(drop=("300",))
    path = write_iso(tmp_path / "e.mrc", marc21_book(), bad)
    result = run(path, "--lang", "zh")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["2\t300$a\terror\tfield.mandatory_missing\t缺少完全级记录的必备字段 300$a。"]


def test_language_follows_lang_and_defaults_to_both(tmp_path):
    path = write_iso(tmp_path / "e.mrc", marc21_book(drop=("300",)))
    assert "缺少" in run(path, env={"LANG": "zh_CN.UTF-8"}).stdout
    assert "Missing" in run(path, env={"LANG": "en_US.UTF-8"}).stdout
    both = run(path, env={"LANG": ""}).stdout
    assert "缺少" in both and "Missing" in both


def test_json_lists_every_record(tmp_path):
    path = write_iso(tmp_path / "j.mrc", marc21_book(), cnmarc_book(drop=("690",)))
    result = run(path, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(r["record"], r["format"], r["level"]) for r in data] == [(1, "marc21", "full"),
                                                                      (2, "cnmarc", "full")]
    assert data[0]["findings"] == []
    (finding,) = data[1]["findings"]
    assert finding["code"] == "field.mandatory_missing" and finding["tag"] == "690"
    assert finding["message"]["zh"] and finding["message"]["en"]


def test_level_and_profile_options(tmp_path):
    path = write_iso(tmp_path / "l.mrc", cnmarc_book(drop=("690",)))
    assert run(path, "--level", "basic").exit_code == 0
    assert run(path, "--profile", "unimarc_bib", "--level", "basic").exit_code == 1  # $A pinyin


def test_unreadable_file_exits_2_with_one_line(tmp_path):
    result = run(str(tmp_path / "missing.mrc"))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    empty = tmp_path / "empty.mrc"
    empty.write_bytes(b"")
    assert run(str(empty)).exit_code == 2


def test_damaged_record_counts_as_an_error(tmp_path, marc_data):
    result = run(str(marc_data / "broken" / "pymarc_bad_records.mrc"))
    assert result.exit_code == 1
    assert "\tread\t" in result.stdout


def test_real_cnmarc_file(marc_data):
    result = run(str(marc_data / "unimarc" / "dp2_sru_cnmarcxml.xml"), "--lang", "en")
    assert result.exit_code == 1  # record 4 has two errors (see test_validate_files)
    errors = [line for line in result.stdout.splitlines() if "\terror\t" in line]
    assert [line.split("\t")[:2] for line in errors] == [["4", "101[1] ind1"], ["4", "210[1]$a"]]
