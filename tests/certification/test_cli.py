"""`flask exams …`: blueprint checks against the pool, the cron jobs, release, statistics."""
import csv

from sqlalchemy import select

from app.certification import grading, rounds
from app.certification.attempt_models import Certificate, GradingReview
from app.extensions import db

from .factories import close_sittings, gen_bank, gen_round, sit, tiny_blueprint, write_blueprint


def _run(ctx, *args):
    return ctx.test_cli_runner().invoke(args=["exams", *args])


def _one_error_line(result):
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_blueprints_are_checked_against_the_pool(ctx, tmp_path):
    write_blueprint(tiny_blueprint(), tmp_path)
    short = _run(ctx, "blueprints", "--dir", str(tmp_path))
    _one_error_line(short)
    assert "tiny-chinese: section A, draw 1 (single" in short.stdout and "the pool has 0" in short.stdout
    gen_bank(n=2)
    ok = _run(ctx, "blueprints", "--dir", str(tmp_path))
    assert ok.exit_code == 0 and "tiny-chinese: ok" in ok.output
    (tmp_path / "broken.yaml").write_text("code: broken\nsections: 3\n", encoding="utf-8")
    _one_error_line(_run(ctx, "blueprints", "--dir", str(tmp_path)))
    _one_error_line(_run(ctx, "blueprints", "--dir", str(tmp_path / "missing")))


def test_the_shipped_blueprints_need_the_bank(ctx):
    result = _run(ctx, "blueprints")
    assert result.exit_code == 1 and "level3-chinese: section A" in result.stdout


def test_cron_jobs_with_nothing_to_do(ctx):
    assert _run(ctx, "close-due").output == "0 attempts closed\n"
    assert _run(ctx, "release-due").output == "nothing to release\n"


def test_release_and_round_stats(ctx, gen, tmp_path):
    admin = gen.gen_user("centre_admin")
    cand = gen.gen_user("cataloguer", library=gen.gen_library())
    rounds.record_training_certificate(admin, cand, "TC-C1")
    gen_bank(n=2)
    r = gen_round(code="2026-C")
    reg = rounds.register(cand, r)
    sit(cand, reg, "A")
    sit(cand, reg, "B")
    _one_error_line(_run(ctx, "release", "no-such-round"))
    early = _run(ctx, "release", "2026-C")
    _one_error_line(early)  # the last sitting has not closed
    close_sittings(r)
    waiting = _run(ctx, "release", "2026-C")
    _one_error_line(waiting)  # a review is open
    assert waiting.stderr != early.stderr
    expert = gen.gen_user("cataloguer", ("expert", "quality"), library=gen.gen_library())
    review = db.session.scalar(select(GradingReview))
    grading.resolve(expert, review, review.item.score, "确认")
    done = _run(ctx, "release", "2026-C")
    assert done.exit_code == 0 and "released 2026-C: 1 certificates issued" in done.output
    assert db.session.scalar(select(Certificate.user_id)) == cand.id
    _one_error_line(_run(ctx, "release", "2026-C"))  # released already
    out = tmp_path / "items.csv"
    stats_run = _run(ctx, "round-stats", "2026-C", "--csv", str(out))
    assert stats_run.exit_code == 0, stats_run.output
    assert "registered 1, sat 1, passed 1" in stats_run.output
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][:3] == ["section", "item", "type"] and len(rows) == 1 + 4 + 1
    _one_error_line(_run(ctx, "round-stats", "nope"))
    _one_error_line(_run(ctx, "round-stats", "2026-C", "--csv", str(tmp_path / "no" / "dir.csv")))


def test_demo_exam_rounds_are_seeded_once(ctx):
    from app.certification.models import ExamRound, Registration
    from app.core.types import utcnow
    from app.demo.cli import seed
    from app.demo.exams import seed_exams

    seed()
    assert seed_exams() == {"rounds": 2, "training_certificates": 1, "registrations": 2}
    assert seed_exams() == {"rounds": 0, "training_certificates": 0, "registrations": 0}
    now = utcnow()
    for r in db.session.scalars(select(ExamRound)):
        assert r.status == "open" and {s.section for s in r.sittings} == {"A", "B"}
        assert all(s.opens_at <= now < s.closes_at for s in r.sittings)
    regs = db.session.scalars(select(Registration)).all()
    assert {(g.status, g.basis, g.user.email) for g in regs} == {
        ("registered", "training_certificate", "cataloguer@bianmu.example.org")}
