"""A centre administrator and a library administrator, in the browser."""
import re

import pytest
from playwright.sync_api import expect

from app.demo.cli import seed
from app.demo.data import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, base, email):
    page.goto(base + "/account/login")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_admin_opens_an_application_in_chinese_then_english(page, live):
    seed()
    base = live.config["LIVE_URL"]
    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    _sign_in(page, base, "admin@bianmu.example.org")
    page.get_by_role("link", name="管理", exact=True).click()
    page.get_by_role("link", name=re.compile("已提交")).first.click()
    page.get_by_role("link", name="海南大学图书馆").click()
    page.get_by_label("馆代码").fill("HNU")
    page.get_by_role("button", name="开通账户").click()
    expect(page.locator(".flash.success")).to_be_visible()
    # the language switch (JavaScript submits on change)
    page.select_option("#lang", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Administration", exact=True)).to_be_visible()


def test_wrong_password_is_shown_beside_the_form(page, live):
    seed()
    base = live.config["LIVE_URL"]
    page.goto(base + "/account/login")
    page.get_by_label("电子邮箱").fill("admin@bianmu.example.org")
    page.get_by_label("密码").fill("not-the-password-1")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".flash.error")).to_be_visible()
    expect(page).to_have_url(re.compile("/account/login"))
