"""`flask questions …`: the shipped bank loads whole, again without change, and bad input writes nothing."""
import shutil
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.questions.models import Question, QuestionVersion

BANK = Path(__file__).resolve().parents[2] / "question_bank"


def _run(ctx, *args):
    return ctx.test_cli_runner().invoke(args=["questions", *args])


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_import_the_shipped_bank_twice(ctx):
    result = _run(ctx, "import", str(BANK))
    assert result.exit_code == 0, result.output
    assert "194 added, 0 new versions, 0 unchanged" in result.output
    assert _count(Question, Question.type != "marc_task") == 177
    assert _count(Question, Question.type == "marc_task") == 17
    assert _count(QuestionVersion, QuestionVersion.status != "approved") == 0
    again = _run(ctx, "import", str(BANK))
    assert again.exit_code == 0 and "0 added, 0 new versions, 194 unchanged" in again.output
    listing = _run(ctx, "list", "--category", "marc_task")
    assert listing.output.count("\n") == 17 and "cn-orig-01\tmarc_task" in listing.output


def test_dry_run_writes_nothing(ctx):
    result = _run(ctx, "import", str(BANK), "--dry-run")
    assert result.exit_code == 0 and "194 added" in result.output and "dry run" in result.output
    assert _count(Question) == 0


def test_bad_bank_file_is_one_line_and_nothing_is_written(ctx, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(BANK, bank)
    path = bank / "objective" / "policy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('answer: "A"', 'answer: "Q"', 1), encoding="utf-8")
    result = _run(ctx, "import", str(bank))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "policy" in result.stderr
    assert _count(Question) == 0


def test_bad_gift_file_and_missing_path(ctx, tmp_path):
    gift = tmp_path / "bad.gift"
    gift.write_text("::q1:: 哪个字段？ {=200 ~210}\n\n::q2:: 两个都对？ {}\n", encoding="utf-8")
    result = _run(ctx, "import", str(gift), "--category", "cnmarc")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert _count(Question) == 0
    missing = _run(ctx, "import", str(tmp_path / "nowhere.xml"))
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_export_and_import_back_unchanged(ctx, tmp_path):
    assert _run(ctx, "import", str(BANK)).exit_code == 0
    out = tmp_path / "cnmarc.gift"
    result = _run(ctx, "export", "--format", "gift", "--category", "cnmarc", str(out))
    assert result.exit_code == 0 and "exported" in result.output
    assert "cnmarc-001" in out.read_text(encoding="utf-8")
    back = _run(ctx, "import", str(out))
    assert back.exit_code == 0, back.output
    assert "0 added, 0 new versions" in back.output
    xml = tmp_path / "western.xml"
    assert _run(ctx, "export", "--format", "moodle", "--language-group", "western", str(xml)).exit_code == 0
    assert xml.read_bytes().startswith(b"<?xml")
    back = _run(ctx, "import", str(xml))
    assert back.exit_code == 0 and "0 added, 0 new versions" in back.output, back.output
    bad_out = _run(ctx, "export", "--format", "gift", str(tmp_path / "no" / "dir.gift"))
    assert bad_out.exit_code == 1 and not (tmp_path / "no").exists()


def test_an_item_removed_from_the_bank_is_retired(ctx, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(BANK, bank)
    assert _run(ctx, "import", str(bank)).exit_code == 0
    shutil.rmtree(bank / "tasks" / "en-orig-05")
    result = _run(ctx, "import", str(bank))
    assert result.exit_code == 0 and "193 unchanged, 1 retired" in result.output
    q = db.session.scalar(select(Question).where(Question.code == "en-orig-05"))
    assert q.retired_at is not None and [v.status for v in q.versions] == ["approved"]
