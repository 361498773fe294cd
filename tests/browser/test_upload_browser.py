"""A certified cataloguer writes and uploads a record in the browser; an uncertified one is refused."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.catalog.editor import text_of
from app.catalog.models import Record
from app.catalog.workflow_models import ProbationRule
from app.demo.cli import seed
from app.demo.data import DEMO_PASSWORD
from app.extensions import db
from tests.catalog.records import cnmarc_book

pytestmark = pytest.mark.browser


def _sign_in(page, base, email):
    page.goto(base + "/account/login")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def _write_record(page, base, title):
    page.goto(base + "/catalog/work/")
    page.locator("form[action$='/catalog/work/new'] button").click()
    editor = page.locator("textarea.marc")
    expect(editor).to_be_visible()
    editor.fill(text_of(cnmarc_book(title, isbn="9787040123456")))


def test_certified_cataloguer_checks_then_uploads(page, live):
    seed()
    db.session.add(ProbationRule(scope="chinese", records_required=0))
    db.session.commit()
    base = live.config["LIVE_URL"]
    _sign_in(page, base, "certified@bianmu.example.org")
    _write_record(page, base, "浏览器里编的书")
    # a slip first: an empty title is reported with its line, and clicking it selects the line
    text = page.locator("textarea.marc").input_value().replace("$a浏览器里编的书", "$a")
    page.locator("textarea.marc").fill(text)
    page.locator("button[value=check]").click()
    message = page.locator(".messages li.error[data-line]").first
    expect(message).to_be_visible()
    message.click()
    page.locator("textarea.marc").fill(text.replace("=200  1\\$a", "=200  1\\$a浏览器里编的书"))
    page.locator("button[value=submit]").click()
    expect(page.locator(".flash.success")).to_be_visible()
    row = db.session.scalar(select(Record).where(Record.title == "浏览器里编的书"))
    assert row is not None and row.status == "active"


def test_uncertified_cataloguer_is_refused(page, live):
    seed()
    base = live.config["LIVE_URL"]
    _sign_in(page, base, "cataloguer@bianmu.example.org")
    _write_record(page, base, "不该上传的书")
    page.locator("button[value=submit]").click()
    expect(page.locator(".flash.error").first).to_be_visible()
    expect(page.locator("textarea.marc")).to_contain_text("不该上传的书")  # the work is not lost
    assert db.session.scalar(select(Record).where(Record.title == "不该上传的书")) is None
