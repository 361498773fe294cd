"""THE PROOF: a cataloguer asks the consultation desk, the expert on duty answers, the answer is
published to the knowledge base and found by search — two browsers, everything through the pages."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.consult.demo import seed_consult
from app.consult.models import ConsultQuestion
from app.demo.cli import seed
from app.demo.data import DEMO_PASSWORD
from app.extensions import db

pytestmark = pytest.mark.browser

TITLE = "丛编题名应当著录在 225 还是 410 字段？"
MARC = "\n".join(["=LDR  00000nam0 2200000   450 ", "=200  1\\$a古籍整理研究$f王某著",
                  "=225  2\\$a中华文史丛刊$v3"])
ANSWER = "225 著录丛编题名（按文献上的形式），410 作连接款目并嵌入丛编的 200 字段；二者都要著录。"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'


def _sign_in(page, base, email):
    page.goto(base + "/account/login")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_ask_answer_publish_and_find(page, live, browser):
    seed()
    seed_consult()          # this week's roster: the demo expert is on duty for CNMARC
    base = live.config["LIVE_URL"]

    # The cataloguer asks, with a pasted MARC record.
    _sign_in(page, base, "cataloguer@bianmu.example.org")
    page.goto(base + "/consult/ask")
    page.locator("#category").select_option("cnmarc")
    page.locator("#language_group").select_option("chinese")
    page.locator("#title").fill(TITLE)
    page.locator("#body").fill("本馆新编一部丛书中的单册，丛编题名该放哪里？" + XSS)
    page.locator("#marc_text").fill(MARC)
    page.locator("form.narrow button[type=submit]").click()
    expect(page.locator(".flash.success")).to_be_visible()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".assignee")).to_have_text("专家 陈静")
    expect(page.locator("pre.marc")).to_contain_text("225 2# $a中华文史丛刊$v3")
    assert page.evaluate("window.__xss") is None
    q = db.session.scalar(select(ConsultQuestion).where(ConsultQuestion.title == TITLE))
    question_url = page.url

    # The expert on duty finds it in the queue, answers and publishes it.
    expert_context = browser.new_context(locale="zh-CN")
    expert = expert_context.new_page()
    expert.set_default_timeout(15000)
    _sign_in(expert, base, "expert@bianmu.example.org")
    expert.goto(base + "/consult/queue")
    expert.get_by_role("link", name=TITLE).first.click()
    expect(expert.locator("h1")).to_have_text(TITLE)
    expert.locator("#reply-form select[name=kind]").select_option("answer")
    expert.locator("#reply-form textarea[name=body]").fill(ANSWER)
    expert.locator("#reply-form button[type=submit]").click()
    expect(expert.locator(".flash.success")).to_be_visible()
    expert.locator(f"a[href$='/consult/questions/{q.id}/publish']").click()
    expect(expert.locator("#answer_text")).to_have_value(ANSWER)
    expert.locator("#question_text").fill("一部丛书中的单册，丛编题名应当著录在 225 字段还是 410 字段？")
    expert.locator("form.narrow button[type=submit]").click()
    expect(expert.locator(".faq-answer")).to_contain_text("410 作连接款目")
    expert_context.close()

    # The cataloguer sees the answer in the thread.
    page.goto(question_url)
    expect(page.locator(".message.kind-answer")).to_contain_text("嵌入丛编的 200 字段")

    # Anyone finds it in the knowledge base, with two- and one-character queries.
    anon_context = browser.new_context(locale="zh-CN")
    anon = anon_context.new_page()
    for query in ("丛编", "丛"):
        anon.goto(base + "/consult/faq")
        anon.locator("#faq-q").fill(query)
        anon.locator("form[role=search] button[type=submit]").click()
        expect(anon.get_by_role("link", name="丛编题名应当著录在 225 还是 410 字段？")).to_be_visible()
    anon.get_by_role("link", name=TITLE).click()
    expect(anon.locator(".faq-question")).to_contain_text("一部丛书中的单册")
    expect(anon.locator("body")).not_to_contain_text("孙丽")          # the asker is not named
    anon_context.close()
