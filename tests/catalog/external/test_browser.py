"""The search page and the copy button in Chromium, with CSRF on as in production."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.catalog.workflow_models import Draft
from app.extensions import db
from tests.factories import PASSWORD, gen_library, gen_user

from .conftest import write_targets

pytestmark = pytest.mark.browser


def test_search_and_copy_to_drafts(page, live, ztest, tmp_path, monkeypatch):
    path = write_targets(tmp_path / "t.yaml", [
        {"name": "zt", "label_zh": "测试书目库", "label_en": "Test", "protocol": "z3950",
         "address": f"{ztest.host}:{ztest.port}/Default", "timeout": 5}])
    monkeypatch.setitem(live.config, "EXTERNAL_TARGETS_FILE", path)
    user = gen_user("cataloguer", ("certified", "western", 3), library=gen_library())
    base = live.config["LIVE_URL"]
    page.goto(base + "/account/login")
    page.get_by_label("电子邮箱").fill(user.email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(base + "/catalog/external/")
    page.get_by_label("检索途径").select_option("title")
    page.get_by_label("检索词").fill("3")
    page.get_by_role("button", name="检索", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("命中 3 条记录")
    page.get_by_text("MARC", exact=True).first.click()
    expect(page.locator("pre.marc").first).to_contain_text("245 10 $aHow to program a computer")
    page.get_by_role("button", name="复制到我的草稿 (记录 2)").click()
    expect(page.locator(".flash.success")).to_be_visible()
    db.session.expire_all()
    draft = db.session.scalar(select(Draft).where(Draft.user_id == user.id))
    assert draft is not None and "=001  \\\\\\11224467" in draft.text
