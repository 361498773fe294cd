"""The question bank's pages, as trainers and experts use them (CSRF is off in tests)."""
import io
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.questions import services
from app.questions.models import Question, QuestionVersion
from tests.factories import gen_library, gen_user, login

BANK = Path(__file__).resolve().parents[2] / "question_bank"


def _trainer(client):
    user = gen_user("cataloguer", "trainer", library=gen_library())
    login(client, user)
    return user


def test_pages_render_for_a_trainer(client, ctx):
    services.import_file(None, str(BANK), "bank")
    _trainer(client)
    page = client.get("/questions/?category=cnmarc&type=single&difficulty=1&q=200")
    assert page.status_code == 200 and "cnmarc-001" in page.get_data(as_text=True)
    assert client.get("/questions/?page=2").status_code == 200
    task = db.session.scalar(select(Question).where(Question.code == "cn-corr-01"))
    page = client.get(f"/questions/{task.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h3>" in text and "=LDR" in text  # Markdown rendered, records shown
    assert client.get(f"/questions/{task.id}/edit").status_code == 200
    for qtype in ("single", "multiple", "truefalse", "fill", "marc_task"):
        assert client.get(f"/questions/new?type={qtype}").status_code == 200, qtype
    assert client.get("/questions/new?type=essay").status_code == 404
    assert client.get("/questions/review").status_code == 200
    assert client.get("/questions/import").status_code == 200
    export = client.get("/questions/export?format=gift&category=policy")
    assert export.status_code == 200 and "policy-001" in export.get_data(as_text=True)
    assert "attachment" in export.headers["Content-Disposition"]


def test_a_cataloguer_is_refused(client, ctx):
    login(client, gen_user("cataloguer", ("certified", "chinese", 3), library=gen_library()))
    for url in ("/questions/", "/questions/new?type=single", "/questions/review", "/questions/import",
                "/questions/export?format=gift"):
        assert client.get(url).status_code == 403, url
    assert client.post("/questions/new?type=single", data={}).status_code == 403


SINGLE = {"category": "cnmarc", "language_group": "chinese", "difficulty": "1", "tags": "200, 题名",
          "for_exam": "y", "text": "题名与责任说明在哪个字段？",
          "choices-0-text": "200", "choices-0-right": "y", "choices-1-text": "210", "choices-2-text": "215",
          "explanation": "200 字段", "source": "CNMARC 200"}


def test_an_exam_question_cannot_also_be_a_practice_question(client, ctx):
    _trainer(client)
    resp = client.post("/questions/new?type=single", data=dict(SINGLE, for_practice="y"))
    assert resp.status_code == 422
    assert "练习会显示答案" in resp.get_data(as_text=True)  # next to the box, in the page's language
    assert db.session.scalar(select(Question)) is None


def test_create_a_single_choice_question_through_the_form(client, ctx):
    author = _trainer(client)
    resp = client.post("/questions/new?type=single", data=SINGLE)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    q = db.session.scalar(select(Question))
    v = q.latest
    assert q.code == "cnmarc-w001" and q.tags == ["200", "题名"] and q.created_by_id == author.id
    assert v.status == "draft" and v.key["answer"] == "A" and [c["key"] for c in v.content["choices"]] == ["A", "B", "C"]
    # an edit makes version 2; submitting sends it to the queue, where the author cannot approve it
    edit = dict(SINGLE, text="改过的题干")
    assert client.post(f"/questions/{q.id}/edit", data=edit).status_code == 302
    v2 = db.session.scalars(select(QuestionVersion).where(QuestionVersion.number == 2)).one()
    assert client.post(f"/questions/version/{v2.id}/submit").status_code == 302
    page = client.post(f"/questions/version/{v2.id}/review", data={"decision": "approve"})
    assert page.status_code == 422
    reviewer = gen_user(("expert", "quality"))
    client.post("/account/logout")
    login(client, reviewer)
    page = client.post(f"/questions/version/{v2.id}/review", data={"decision": "reject", "note": ""})
    assert page.status_code == 422
    assert client.post(f"/questions/version/{v2.id}/review", data={"decision": "approve"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(QuestionVersion, v2.id).status == "approved"


def test_checker_messages_are_shown_next_to_the_fields(client, ctx):
    _trainer(client)
    data = dict(SINGLE)
    del data["choices-0-right"]
    resp = client.post("/questions/new?type=single", data=data)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'class="error"' in text and "not one of the choice keys" in text
    assert db.session.scalar(select(Question)) is None


def test_marc_task_form_is_checked_with_the_checker(client, ctx):
    _trainer(client)
    data = {"category": "marc_task", "language_group": "chinese", "difficulty": "2", "kind": "original",
            "format": "cnmarc", "title": "原始编目", "description": "**题名页**", "time_limit_minutes": "60",
            "references-0": "=LDR  not a record"}
    resp = client.post("/questions/new?type=marc_task", data=data)
    assert resp.status_code == 422 and "reference 1" in resp.get_data(as_text=True)
    reference = (BANK / "tasks" / "cn-orig-01" / "reference.mrk").read_text(encoding="utf-8")
    resp = client.post("/questions/new?type=marc_task", data=dict(data, **{"references-0": reference}))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    q = db.session.scalar(select(Question))
    assert q.code == "marc_task-w001" and q.latest.content["rubric"] == "cnmarc_book"


def test_import_a_gift_file_through_the_page(client, ctx):
    _trainer(client)
    gift = "::fmt-1:: CNMARC 中载体形态在哪个字段？ {=215 ~200 ~210}\n"
    data = {"format": "gift", "category": "cnmarc", "language_group": "chinese",
            "file": (io.BytesIO(gift.encode()), "q.gift")}
    resp = client.post("/questions/import", data=data, content_type="multipart/form-data")
    assert resp.status_code == 200 and "fmt-1" in resp.get_data(as_text=True)
    v = db.session.scalar(select(QuestionVersion))
    assert v.status == "in_review" and v.question.origin == "gift"
    big = {"format": "gift", "file": (io.BytesIO(b"x" * (2 * 1024 * 1024 + 1)), "big.gift")}
    assert client.post("/questions/import", data=big, content_type="multipart/form-data").status_code == 413
