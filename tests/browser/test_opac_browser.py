"""The OPAC in a browser: search in Chinese, open a record, download it as a signed-in cataloguer; a
record's history."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.catalog import services
from app.catalog.workflow_models import Download
from app.demo.cli import seed
from app.demo.data import DEMO_PASSWORD
from app.extensions import db
from app.marc.io import read_records
from app.members.models import Library
from tests.catalog.records import cnmarc_book, marc21_book

pytestmark = pytest.mark.browser


def test_search_in_chinese_open_a_record_and_download_it(page, live, tmp_path):
    seed()
    rules = services.create(None, cnmarc_book("中文文献编目规则", isbn="978-7-5013-4441-3", year=2005, clc="G254.3"))
    services.create(None, cnmarc_book("编写目录的艺术", year=1999, subject="写作"))
    services.create(None, marc21_book("RDA and cataloging practice", year=2015))
    db.session.commit()
    whu = db.session.scalar(sa.select(Library).where(Library.code == "WHU"))
    services.add_holding(None, rules, whu, "G254.3/1")
    base = live.config["LIVE_URL"]

    page.goto(base + "/")
    page.get_by_role("link", name="联合目录", exact=True).click()
    page.locator("#q1").fill("编目")
    page.locator("#q1").press("Enter")
    results = page.locator("a.result-title")
    expect(results).to_have_count(1)  # 编写目录 is not a match: the characters must be adjacent
    expect(results.first).to_have_text("中文文献编目规则")
    results.first.click()
    expect(page.locator("h1")).to_have_text("中文文献编目规则")
    expect(page.locator("dl.card")).to_contain_text("北京 : 国家图书馆出版社, 2005")
    expect(page.locator("table.holdings")).to_contain_text("武汉大学图书馆")

    # the MARC view asks an anonymous reader to sign in
    page.get_by_role("link", name="MARC", exact=True).click()
    expect(page.locator("pre.marc")).to_have_count(0)
    page.locator("section.display a[href*='/account/login']").click()
    page.get_by_label("电子邮箱").fill("cataloguer@bianmu.example.org")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(rf"/catalog/record/{rules.id}\?tab=marc"))
    expect(page.locator("pre.marc")).to_contain_text("200 1# $a中文文献编目规则$f张三著")

    form = page.locator("form.download-form")
    form.locator("select[name=format]").select_option("iso2709")
    form.locator("select[name=encoding]").select_option("gb18030")
    with page.expect_download() as info:
        form.locator("button[type=submit]").click()
    download = info.value
    assert download.suggested_filename == f"bianmu-{rules.id}-gb18030.mrc"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    records, errors = read_records(target.read_bytes(), "iso2709", "gb18030")
    assert errors == [] and records[0]["200"]["a"] == "中文文献编目规则"

    db.session.expire_all()
    logged = db.session.scalars(sa.select(Download)).all()
    assert [(d.record_id, d.library_id, d.encoding) for d in logged] == [(rules.id, whu.id, "gb18030")]
    page.reload()
    expect(form).to_contain_text("1")


def test_a_member_reads_a_records_history_and_an_earlier_version(page, live):
    seed()
    row = services.create(None, cnmarc_book("编目规则", year=2005))
    db.session.commit()
    marc = services.marc_of(row)
    marc["200"]["a"] = "中文文献编目规则"
    services.replace(None, row, marc, note="题名据题名页改正")
    db.session.commit()
    base = live.config["LIVE_URL"]

    page.goto(base + "/account/login")
    page.get_by_label("电子邮箱").fill("cataloguer@bianmu.example.org")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(base + f"/catalog/record/{row.id}")
    page.get_by_role("link", name="历史记录").click()
    expect(page.locator("h1")).to_have_text(f"记录 {row.id} 的修改历史")
    newest = page.locator("section.version").first
    expect(newest.locator("h2")).to_contain_text("版本 2")
    expect(newest).to_contain_text("题名据题名页改正")
    expect(newest.locator("tr.change-changed del")).to_contain_text("$a编目规则")
    expect(newest.locator("tr.change-changed ins")).to_contain_text("$a中文文献编目规则")

    page.get_by_role("link", name="版本 1 的 MARC").click()
    expect(page.locator("pre.marc")).to_contain_text("200 1# $a编目规则")
    expect(page.locator("table.changes")).to_contain_text("$a中文文献编目规则")
