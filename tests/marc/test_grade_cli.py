import json

import pymarc
import pytest
from click.testing import CliRunner

from app.marc.cli import marc_group

from ._grade_records import cnmarc_book, marc21_book, set_sub


@pytest.fixture
def runner():
    return CliRunner()


def _write_mrc(path, record):
    path.write_bytes(record.as_marc())
    return str(path)


def _write_xml(path, record):
    path.write_bytes(pymarc.record_to_xml(record, namespace=True))
    return str(path)


def _write_json(path, record):
    path.write_text(record.as_json(), encoding="utf-8")
    return str(path)


def test_text_report_lists_deductions(runner, tmp_path):
    ref = _write_mrc(tmp_path / "ref.mrc", cnmarc_book())
    cand = cnmarc_book()
    cand.remove_field(cand.get_fields("215")[0])
    cand_path = _write_xml(tmp_path / "cand.xml", cand)
    res = runner.invoke(marc_group, ["grade", "--reference", ref, "--candidate", cand_path])
    assert res.exit_code == 0, res.output
    assert "得分 92.0 / 100" in res.output
    assert "缺少 215 字段" in res.output
    res = runner.invoke(marc_group, ["grade", "--reference", ref, "--candidate", cand_path,
                                     "--lang", "en"])
    assert "Score 92.0 / 100" in res.output and "Field 215" in res.output


def test_json_output_and_best_reference(runner, tmp_path):
    other = _write_mrc(tmp_path / "other.mrc", set_sub(marc21_book(), "245", "a", "Emma /"))
    exact = _write_json(tmp_path / "exact.json", marc21_book())
    cand = _write_mrc(tmp_path / "cand.mrc", set_sub(marc21_book(), "245", "a", "Pride and prejudice"))
    res = runner.invoke(marc_group, ["grade", "--reference", other, "--reference", exact,
                                     "--candidate", cand, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["reference_index"] == 1
    assert 98 <= data["score"] < 100
    assert data["rubric"] == "marc21_book"
    graded = {f["tag"]: f for f in data["fields"]}
    assert graded["245"]["status"] == "partial"
    assert graded["245"]["earned"] < graded["245"]["possible"]
    d = graded["245"]["deductions"][0]
    assert d["code"] == "punctuation" and d["zh"] and d["en"]


def test_rubric_option(runner, tmp_path):
    ref = _write_mrc(tmp_path / "ref.mrc", cnmarc_book())
    cand = _write_mrc(tmp_path / "cand.mrc", set_sub(cnmarc_book(), "200", "a", "另一个题名"))
    rubric = tmp_path / "r.yaml"
    rubric.write_text("name: only-title\nflavour: cnmarc\nignore_tags: ['0XX','1XX','3XX','4XX',"
                      "'5XX','6XX','7XX','8XX','9XX','21X','22X','LDR']\n"
                      "fields:\n  '200': {weight: 10, subfields: {a: 10}}\n", encoding="utf-8")
    res = runner.invoke(marc_group, ["grade", "--reference", ref, "--candidate", cand,
                                     "--rubric", str(rubric), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["rubric"] == "only-title" and data["score"] == 90.0
    res = runner.invoke(marc_group, ["grade", "--reference", ref, "--candidate", cand,
                                     "--rubric", str(tmp_path / "nope.yaml")])
    assert res.exit_code == 2


@pytest.mark.parametrize("content", [b"", b"not a marc record at all", b"00012"])
def test_unreadable_file_is_one_line_exit_2(runner, tmp_path, content):
    ref = _write_mrc(tmp_path / "ref.mrc", cnmarc_book())
    bad = tmp_path / "bad.mrc"
    bad.write_bytes(content)
    res = runner.invoke(marc_group, ["grade", "--reference", ref, "--candidate", str(bad)])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert "bad.mrc" in res.output


def test_missing_file_exit_2(runner, tmp_path):
    res = runner.invoke(marc_group, ["grade", "--reference", str(tmp_path / "none.mrc"),
                                     "--candidate", str(tmp_path / "none2.mrc")])
    assert res.exit_code == 2
    assert len(res.output.strip().splitlines()) == 1


def test_mrk_candidate(runner, tmp_path):
    ref = _write_mrc(tmp_path / "ref.mrc", marc21_book())
    mrk = tmp_path / "cand.mrk"
    mrk.write_text(str(marc21_book()) + "\n", encoding="utf-8")
    res = runner.invoke(marc_group, ["grade", "--reference", ref, "--candidate", str(mrk), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["score"] == 100.0
