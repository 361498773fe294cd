"""The editor and the review queue through HTTP, as cataloguers and reviewers use them."""
from sqlalchemy import select

from app.catalog.editor import text_of
from app.catalog.models import Record
from app.catalog.workflow_models import Draft, ProbationRule, ReviewItem
from app.extensions import db
from tests.catalog.records import cnmarc_book
from tests.factories import gen_library, gen_user, login


def _setup():
    lib = gen_library(code="WHU", upload_right=True)
    db.session.add(ProbationRule(scope="chinese", records_required=0))
    db.session.commit()
    return lib


def _new_draft(client):
    resp = client.post("/catalog/work/new", data={"template": "cnmarc_book"})
    assert resp.status_code == 302
    return resp.headers["Location"]


def test_check_lists_messages_with_their_lines(client, ctx):
    lib = _setup()
    login(client, gen_user("cataloguer", library=lib))
    url = _new_draft(client)
    page = client.post(url, data={"text": "=LDR  00000nam0 2200000   450 \n=200  1\\$a", "do": "check"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-line="2"' in text


def test_certified_cataloguer_submits_from_the_editor(client, ctx):
    lib = _setup()
    user = gen_user("cataloguer", ("certified", "chinese", 3), library=lib)
    login(client, user)
    url = _new_draft(client)
    assert 'name="call_number"' in client.get(url).get_data(as_text=True)
    resp = client.post(url, data={"text": text_of(cnmarc_book("网页提交的书")), "call_number": "x" * 101, "do": "submit"})
    page = resp.get_data(as_text=True)  # refused next to its field, the text kept
    assert resp.status_code == 200 and 'id="call_number-err"' in page and "网页提交的书" in page
    assert db.session.scalar(select(Record)) is None
    resp = client.post(url, data={"text": text_of(cnmarc_book("网页提交的书")), "call_number": "I247.5/8", "do": "submit"})
    assert resp.status_code == 302
    row = db.session.scalar(select(Record))
    assert row.title == "网页提交的书" and row.status == "active"
    assert [(h.library_id, h.call_number) for h in row.holdings] == [(lib.id, "I247.5/8")]
    assert db.session.scalar(select(Draft)).submitted_at is not None


def test_uncertified_cataloguer_is_refused_and_keeps_the_text(client, ctx):
    lib = _setup()
    login(client, gen_user("cataloguer", library=lib))
    url = _new_draft(client)
    resp = client.post(url, data={"text": text_of(cnmarc_book("不能上传的书")), "do": "submit"})
    assert resp.status_code == 403 and "不能上传的书" in resp.get_data(as_text=True)
    assert db.session.scalar(select(Record)) is None
    assert "不能上传的书" in db.session.scalar(select(Draft)).text  # nothing lost


def test_errors_block_submission_with_422(client, ctx):
    lib = _setup()
    login(client, gen_user("cataloguer", ("certified", "chinese", 3), library=lib))
    url = _new_draft(client)
    resp = client.post(url, data={"text": text_of(cnmarc_book("x")).replace("$ax", "$a"), "do": "submit"})
    assert resp.status_code == 422 and 'class="messages"' in resp.get_data(as_text=True)


def test_reviewer_decides_from_the_queue(client, ctx):
    lib = _setup()
    db.session.get(ProbationRule, "chinese").records_required = 1
    db.session.commit()
    cat = gen_user("cataloguer", ("certified", "chinese", 3), library=lib)
    qc = gen_user("cataloguer", ("expert", "quality"), library=lib)
    login(client, cat)
    url = _new_draft(client)
    client.post(url, data={"text": text_of(cnmarc_book("试用期的书")), "do": "submit"})
    item = db.session.scalar(select(ReviewItem))
    assert item.kind == "probation"
    client.post("/account/logout")
    login(client, qc)
    queue = client.get("/catalog/work/review").get_data(as_text=True)
    assert "试用期的书" in queue
    page = client.get(f"/catalog/work/review/{item.id}")
    assert page.status_code == 200 and "试用期的书" in page.get_data(as_text=True)
    bad = client.post(f"/catalog/work/review/{item.id}", data={"decision": "reject", "reason": ""})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    ok = client.post(f"/catalog/work/review/{item.id}", data={"decision": "accept", "reason": "好"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(Record, item.record_id).status == "active"


def test_probation_can_be_set_to_none_and_a_bad_number_is_shown_by_its_field(client, ctx):
    login(client, gen_user("centre_admin"))
    resp = client.post("/catalog/work/probation", data={"scope": "western", "records": "0"})
    assert resp.status_code == 302  # 0 was refused as missing (DataRequired), and nothing said so
    assert db.session.get(ProbationRule, "western").records_required == 0
    page = client.post("/catalog/work/probation", data={"scope": "russian", "records": "-1"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="n-russian-err"' in text and 'value="-1"' in text
    assert db.session.get(ProbationRule, "russian") is None


def test_a_nul_character_in_a_form_or_an_address_is_a_clear_400_not_a_500(client, ctx):
    # PostgreSQL's text columns hold no NUL: a draft saved with one failed at the write.
    lib = _setup()
    login(client, gen_user("cataloguer", library=lib))
    url = _new_draft(client)
    page = client.post(url, data={"text": "=LDR  00000nam0 2200000   450 \n=200  1\\$a书\x00名", "do": "save"})
    assert page.status_code == 400 and "U+0000" in page.get_data(as_text=True)
    assert "\x00" not in db.session.scalar(select(Draft)).text
    assert client.get("/catalog/", query_string={"q1": "a\x00b"}).status_code == 400
    sru = client.get("/sru", query_string={"version": "1.2", "operation": "searchRetrieve", "query": "x\x00y"})
    assert sru.status_code == 200 and b"info:srw/diagnostic/1/6" in sru.data  # SRU's own diagnostic
