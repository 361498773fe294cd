"""The candidate's pages over HTTP, and the promise that no answer key or reference record can be
reached from any route a candidate may call before the results are released."""
import re
from datetime import timedelta

from app.certification import results
from app.certification.attempt_models import Attempt
from app.core.types import utcnow
from app.extensions import db
from tests.factories import login


def _start(client, exam, section="A"):
    login(client, exam["cand"])
    resp = client.post(f"/exams/registrations/{exam['reg'].id}/start/{section}")
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    token = re.search(r'data-token="([0-9a-f]{32})"', html).group(1)
    attempt = db.session.query(Attempt).filter_by(section=section).one()
    return attempt, token, html


def _key_strings(attempt) -> list[str]:
    """Text that only the answer key holds: explanations, sources, reference-record lines."""
    out = []
    for item in attempt.items:
        key, content = item.version.key, item.version.content
        if item.version.question.type == "marc_task":
            visible = (content.get("start") or "") + "".join(c["mrk"] for c in content.get("candidates", []))
            out += [line for line in key["references"][0].splitlines()
                    if line.startswith(("=2", "=3", "=6", "=7")) and line not in visible][:3]
        else:
            out += [key["explanation"][:40], key["source"]]
    return [s for s in out if len(s) > 12]


def test_sitting_a_section_over_http(client, exam):
    attempt, token, html = _start(client, exam)
    assert 'data-position="45"' in html and "exam.js" in html
    first = attempt.items[0]
    resp = client.post(f"/exams/attempts/{attempt.id}/save",
                       json={"token": token, "position": first.position, "seq": 1, "response": "A"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["seq"] == 1
    status = client.get(f"/exams/attempts/{attempt.id}/status?token={token}").get_json()
    assert status["status"] == "in_progress" and status["holder"] is True
    assert client.post(f"/exams/attempts/{attempt.id}/save", json={"position": 1}).status_code == 400
    # Reloading the page hands the attempt to the new page; the old token is refused with 409.
    client.get(f"/exams/attempts/{attempt.id}")
    refused = client.post(f"/exams/attempts/{attempt.id}/save",
                          json={"token": token, "position": 1, "seq": 2, "response": "B"})
    assert refused.status_code == 409 and refused.get_json()["code"] == "taken_over"
    db.session.refresh(attempt)
    resp = client.post(f"/exams/attempts/{attempt.id}/submit", data={"token": attempt.live_token})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/done")
    assert "data-submitted" in client.get(resp.headers["Location"]).get_data(as_text=True)
    late = client.post(f"/exams/attempts/{attempt.id}/save",
                       json={"token": attempt.live_token, "position": 1, "seq": 3, "response": "C"})
    assert late.status_code == 409 and late.get_json()["code"] == "submitted"


def test_the_plain_form_saves_every_answer_without_javascript(client, exam):
    attempt, token, _ = _start(client, exam)
    data = {"token": token, "then": "save"}
    for item in attempt.items:
        t = item.version.question.type
        if t == "single":
            data[f"q{item.position}"] = "A"
        elif t == "truefalse":
            data[f"q{item.position}"] = "true"
        elif t == "multiple":
            data[f"q{item.position}-present"] = "1"
            data[f"q{item.position}"] = ["A", "B"]
    resp = client.post(f"/exams/attempts/{attempt.id}/save-all", data=data)
    assert resp.status_code == 302
    db.session.expire_all()
    saved = {i.version.question.type: i.response for i in db.session.get(Attempt, attempt.id).items}
    assert saved == {"single": "A", "truefalse": True, "multiple": ["A", "B"]}


def test_validation_check_never_compares_with_the_reference(client, exam):
    attempt, token, html = _start(client, exam, "B")
    reference = attempt.items[0].version.key["references"][0]
    resp = client.post(f"/exams/attempts/{attempt.id}/check", json={"mrk": reference})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "messages" in resp.get_json()
    assert "score" not in body and "reference" not in body.lower()
    assert "task-nav" in html  # one task per page


def test_no_key_or_reference_is_reachable_before_release(client, exam, gen):
    attempt, token, _ = _start(client, exam, "B")
    a_attempt, _, _ = _start(client, exam, "A")
    secrets = _key_strings(attempt) + _key_strings(a_attempt)
    assert len(secrets) > 40
    r, reg = exam["round"], exam["reg"]
    pages = ["/exams/", f"/exams/rounds/{r.id}", f"/exams/attempts/{attempt.id}",
             f"/exams/attempts/{attempt.id}?q=3", f"/exams/attempts/{a_attempt.id}",
             f"/exams/attempts/{attempt.id}/status", f"/exams/attempts/{attempt.id}/done",
             f"/exams/registrations/{reg.id}/result", "/verify/"]
    for item in attempt.items:
        pages.append(f"/exams/attempts/{attempt.id}?q={item.position}")
    bodies = []
    for url in pages:
        resp = client.get(url)
        assert resp.status_code in (200, 302, 403), url
        bodies.append(resp.get_data(as_text=True))
    for item in attempt.items + a_attempt.items:
        # Question pages of the bank are for trainers and experts only.
        assert client.get(f"/questions/versions/{item.question_version_id}").status_code in (403, 404)
    client.post(f"/exams/attempts/{attempt.id}/submit", data={"token": db.session.get(Attempt, attempt.id).live_token})
    bodies.append(client.get(f"/exams/attempts/{attempt.id}/done").get_data(as_text=True))
    bodies.append(client.get(f"/exams/registrations/{reg.id}/result").get_data(as_text=True))
    everything = "\n".join(bodies)
    leaked = [s for s in secrets if s in everything]
    assert not leaked


def test_results_page_after_release_shows_the_task_feedback(client, exam):
    from tests.certification.test_attempts import _sit

    _sit(exam["cand"], exam["reg"], "A")
    _sit(exam["cand"], exam["reg"], "B")
    later = max(s.closes_at for s in exam["round"].sittings) + timedelta(minutes=1)
    results.release(exam["admin"], exam["round"], now=later)
    login(client, exam["cand"])
    html = client.get(f"/exams/registrations/{exam['reg'].id}/result").get_data(as_text=True)
    assert 'data-result="passed"' in html
    index = client.get("/exams/").get_data(as_text=True)
    pdf_link = re.search(r'href="(/exams/certificates/\d+\.pdf)"', index).group(1)
    pdf = client.get(pdf_link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    code = db.session.execute(db.text("SELECT verification_code FROM certificates")).scalar()
    page = client.get(f"/verify/{code}")
    assert page.status_code == 200 and 'data-status="valid"' in page.get_data(as_text=True)
    assert client.get("/verify/NOSUCHCODE").status_code == 404


def test_the_page_asking_after_the_deadline_gets_the_attempt_submitted(client, exam):
    attempt, token, _ = _start(client, exam)
    client.post(f"/exams/attempts/{attempt.id}/save",
                json={"token": token, "position": 1, "seq": 1, "response": "A"})
    attempt.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    status = client.get(f"/exams/attempts/{attempt.id}/status?token={token}").get_json()
    assert status["status"] == "submitted"
    db.session.expire_all()
    a = db.session.get(Attempt, attempt.id)
    assert a.submit_kind == "deadline" and a.items[0].response == "A" and a.score is not None
    page = client.get(f"/exams/attempts/{attempt.id}")
    assert page.status_code == 302 and page.headers["Location"].endswith("/done")
