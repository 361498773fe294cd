"""A whole certification exam in Chromium: a cataloguer answers Paper A and the MARC tasks of
Paper B, is autosaved, reloads and resumes, submits; the administrator releases the results; the
candidate downloads the certificate and can then upload a record."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.catalog.editor import text_of
from app.catalog.models import Record
from app.catalog.workflow_models import ProbationRule
from app.certification import rounds
from app.certification.attempt_models import Attempt
from app.core.types import utcnow
from app.demo.cli import seed
from app.demo.data import DEMO_PASSWORD
from app.extensions import db
from app.questions import bankfiles
from app.questions.services import import_specs
from tests.catalog.records import cnmarc_book
from tests.factories import gen_library, gen_user

pytestmark = pytest.mark.browser


def _sign_in(page, base, email, password=DEMO_PASSWORD):
    page.goto(base + "/account/login")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _attempt(section) -> Attempt:
    db.session.expire_all()
    return db.session.scalar(select(Attempt).where(Attempt.section == section))


def _answer(page, item):
    """Give the key's answer to one question on the page, as a candidate would click it."""
    fs = page.locator(f"fieldset[data-position='{item.position}']")
    kind, answer = item.version.question.type, item.version.key.get("answer")
    if kind == "single":
        fs.locator(f"input[value='{answer}']").check()
    elif kind == "truefalse":
        fs.locator(f"input[value='{'true' if answer else 'false'}']").check()
    elif kind == "multiple":
        for key in answer:
            fs.locator(f"input[value='{key}']").check()
    elif kind == "fill":
        fs.locator("input").fill(answer[0])
    return fs


def _saved(fs):
    expect(fs).to_have_attribute("data-saved", re.compile(r"\d+"), timeout=15000)


def test_a_candidate_sits_the_whole_exam_and_then_uploads(page, live, browser):
    seed()
    import_specs(None, bankfiles.load_bank())
    base = live.config["LIVE_URL"]
    admin = gen_user("centre_admin", email="exam-admin@example.cn", password=DEMO_PASSWORD)
    lib = gen_library(upload_right=False)
    cand = gen_user("cataloguer", library=lib, email="candidate@example.cn", password=DEMO_PASSWORD)
    db.session.add(ProbationRule(scope="chinese", records_required=0))
    now = utcnow()
    r = rounds.create_round(admin, blueprint_code="level3-chinese", code="browser-1", title_zh="浏览器考试",
                            title_en="Browser exam", registration_opens_at=now - timedelta(hours=1),
                            registration_closes_at=now + timedelta(hours=1))
    for section in ("A", "B"):
        rounds.add_sitting(admin, r, section, now - timedelta(minutes=1), now + timedelta(hours=6))
    rounds.set_status(admin, r, "open")
    rounds.record_training_certificate(admin, cand, "PX-BROWSER-1")

    _sign_in(page, base, "candidate@example.cn")
    page.goto(base + f"/exams/rounds/{r.id}")
    page.locator(f"form[action$='/rounds/{r.id}/register'] button").click()
    expect(page.locator(".flash.success")).to_be_visible()
    db.session.expire_all()
    reg_id = rounds.registrations(r)[0].id

    # Paper A: answer one question, see it saved, reload, find it still answered, answer the rest.
    page.goto(base + "/exams/")
    page.locator(f"form[action$='/registrations/{reg_id}/start/A'] button").click()
    expect(page.locator("[data-countdown]")).not_to_have_text("—")
    a = _attempt("A")
    items = sorted(a.items, key=lambda i: i.position)
    _saved(_answer(page, items[0]))
    page.reload()
    first = page.locator(f"fieldset[data-position='{items[0].position}'] input:checked")
    expect(first).to_have_count(len(items[0].version.key["answer"]) if items[0].version.question.type == "multiple" else 1)
    for item in items[1:]:
        _answer(page, item)
    _saved(page.locator(f"fieldset[data-position='{items[-1].position}']"))
    page.once("dialog", lambda d: d.accept())
    page.locator("[data-submit]").click()
    expect(page.locator("[data-submitted]")).to_be_visible()

    # Paper B: each MARC task on its own page; write the record, check it, let it save.
    page.goto(base + "/exams/")
    page.locator(f"form[action$='/registrations/{reg_id}/start/B'] button").click()
    b = _attempt("B")
    for item in sorted(b.items, key=lambda i: i.position):
        page.goto(base + f"/exams/attempts/{b.id}?q={item.position}")
        fs = page.locator(f"fieldset[data-position='{item.position}']")
        fs.locator("textarea").fill(item.version.key["references"][0])
        if item.position == 1:
            fs.locator("[data-check]").click()
            expect(fs.locator("[data-messages] li").first).to_be_visible()
        _saved(fs)
    page.reload()  # resumes where the candidate was: the last task keeps its record
    assert "=200" in page.locator("fieldset textarea").input_value()
    page.once("dialog", lambda d: d.accept())
    page.locator("[data-submit]").click()
    expect(page.locator("[data-submitted]")).to_be_visible()
    assert _attempt("A").score == _attempt("A").max_score
    assert _attempt("B").score == _attempt("B").max_score

    # The sittings close; the administrator releases the results in the browser.
    for s in r.sittings:
        s.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    admin_context = browser.new_context(locale="zh-CN")
    admin_page = admin_context.new_page()
    _sign_in(admin_page, base, "exam-admin@example.cn")
    admin_page.goto(base + f"/exams/admin/rounds/{r.id}")
    admin_page.once("dialog", lambda d: d.accept())
    admin_page.locator("form[action$='/release'] button").click()
    expect(admin_page.locator(".flash.success")).to_be_visible()
    admin_context.close()

    # The candidate sees the result, downloads the certificate and uploads a record.
    page.goto(base + f"/exams/registrations/{reg_id}/result")
    expect(page.locator("[data-result='passed']")).to_be_visible()
    page.goto(base + "/exams/")
    href = page.locator("a[data-certificate]").first.get_attribute("href")
    pdf = page.request.get(base + href)
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.goto(base + "/catalog/work/")
    page.locator("form[action$='/catalog/work/new'] button").click()
    page.locator("textarea.marc").fill(text_of(cnmarc_book("考试通过后编的书", isbn="9787040123456")))
    page.locator("button[value=submit]").click()
    expect(page.locator(".flash.success")).to_be_visible()
    assert db.session.scalar(select(Record).where(Record.title == "考试通过后编的书")) is not None
