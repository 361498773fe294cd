"""Practice: a cataloguer draws questions from the bank, answers, and sees the key and their progress."""
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.certification import practice
from app.certification.attempt_models import PracticeAnswer
from app.core.errors import NotFound, PermissionDenied
from app.extensions import db
from app.questions import services
from app.questions.models import Question
from tests.factories import gen_library, gen_user, login

BANK = Path(__file__).resolve().parents[2] / "question_bank"


@pytest.fixture
def bank(ctx):
    services.import_file(None, str(BANK), "bank")


def _current(code):
    return db.session.scalar(select(Question).where(Question.code == code)).current


def test_the_pool_is_approved_practice_questions_only(ctx, bank):
    """What a shipped paper can draw stays out of practice (practice shows keys); the rest is in."""
    user = gen_user("cataloguer", library=gen_library())
    exam_item = db.session.scalar(select(Question).where(Question.code == "cnmarc-001"))
    assert exam_item.for_exam and not exam_item.for_practice
    codes = {v.question.code for v in db.session.scalars(practice.pool(category="cnmarc"))}
    assert "cnmarc-040" in codes and "cnmarc-001" not in codes
    assert {"cn-corr-01", "cn-copy-01"} <= {v.question.code for v in db.session.scalars(practice.pool())}
    assert "cn-orig-01" not in {v.question.code for v in db.session.scalars(practice.pool())}
    with pytest.raises(NotFound):
        practice.get_practice_version(user, exam_item.current.id)
    v = practice.draw(user, category="cnmarc", type="fill", language_group="chinese")
    assert v.question.category == "cnmarc" and v.question.type == "fill"
    assert v.question.language_group in ("chinese", "all")
    assert practice.draw(user, category="policy", type="truefalse") is None  # all drawn by the papers
    assert practice.draw(user, category="marc_task", type="single") is None


def test_a_cataloguer_answers_right_and_wrong(client, ctx, bank):
    user = gen_user("cataloguer", library=gen_library())
    login(client, user)
    v = _current("cnmarc-040")  # fill-in: 330
    page = client.get(f"/practice/{v.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="answer"' in text and "330 字段为提要或文摘" not in text
    right = client.post(f"/practice/{v.id}", data={"answer": "３３０字段"}).get_data(as_text=True)
    assert "2.00" in right
    assert "330 字段为提要或文摘" in right  # the explanation, once answered
    wrong = client.post(f"/practice/{v.id}", data={"answer": "320"})
    assert wrong.status_code == 200 and "330 字段为提要或文摘" in wrong.get_data(as_text=True)
    rows = db.session.scalars(select(PracticeAnswer).order_by(PracticeAnswer.id)).all()
    assert [(r.response, r.score, r.max_score) for r in rows] == [("３３０字段", Decimal("2.00"), Decimal("2.00")),
                                                                 ("320", Decimal("0.00"), Decimal("2.00"))]
    nxt = client.get("/practice/next?category=cnmarc&type=fill")
    assert nxt.status_code == 302 and "/practice/" in nxt.headers["Location"]
    history = client.get("/practice/history")
    assert history.status_code == 200 and "cnmarc-040" in history.get_data(as_text=True)
    progress = practice.progress(user)
    assert [(p.category, p.answered, p.percent) for p in progress] == [("cnmarc", 2, Decimal("50"))]


def test_multiple_and_fill_feedback(ctx, bank):
    user = gen_user("cataloguer", library=gen_library())
    multiple = db.session.scalar(select(Question).where(Question.type == "multiple")).current
    multiple.question.for_exam, multiple.question.for_practice = False, True  # moved to practice
    db.session.commit()
    answer = multiple.key["answer"]
    result = practice.answer(user, multiple, answer[:1])
    assert result.outcome.score < result.outcome.max and result.details["answer"] == answer
    fill = db.session.scalars(practice.pool(type="fill")).first()
    result = practice.answer(user, fill, " " + fill.key["answer"][0].upper() + " ")
    assert result.outcome.correct and result.outcome.score == fill.points


def test_a_marc_task_is_graded_field_by_field(client, ctx, bank):
    login(client, gen_user("cataloguer", library=gen_library()))
    v = _current("cn-corr-01")
    page = client.get(f"/practice/{v.id}").get_data(as_text=True)
    assert 'name="mrk"' in page and "=LDR" in page  # the start record in the editor
    assert v.key["references"][0] not in page
    resp = client.post(f"/practice/{v.id}", data={"mrk": v.content["start"]})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'class="grade"' in text
    row = db.session.scalar(select(PracticeAnswer))
    assert Decimal("0") < row.score < row.max_score == Decimal("20.00")
    resp = client.post(f"/practice/{v.id}", data={"mrk": v.key["references"][0]})
    assert db.session.scalars(select(PracticeAnswer.score).order_by(PracticeAnswer.id.desc())).first() == Decimal("20.00")
    copy = _current("cn-copy-01")
    client.post(f"/practice/{copy.id}", data={"choice": "cand-1.mrk", "mrk": ""})
    client.post(f"/practice/{copy.id}", data={"choice": "cand-2.mrk", "mrk": ""})
    scores = db.session.scalars(select(PracticeAnswer.score).order_by(PracticeAnswer.id.desc()).limit(2)).all()
    assert scores == [Decimal("20.00"), Decimal("0.00")]


def test_who_may_practise(client, ctx, bank):
    outsider = gen_user("centre_admin")
    with pytest.raises(PermissionDenied):
        practice.draw(outsider)
    login(client, outsider)
    assert client.get("/practice/").status_code == 403
    client.post("/account/logout")
    login(client, gen_user(library=gen_library()))  # any member of an active library
    assert client.get("/practice/").status_code == 200
