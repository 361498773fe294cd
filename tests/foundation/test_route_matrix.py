"""Every route × every role: the status each one gets. A new route fails here until it is listed.

POSTs are sent empty, so that allowed ones fail validation harmlessly (200/302/400) while
forbidden ones must answer 403 before looking at the form.
"""
import pytest

from tests.factories import gen_library, gen_user, login

ROLES = ["anonymous", "cataloguer", "certified", "expert", "trainer", "library_admin", "centre_admin",
         "other_library"]
ANON_LOGIN = 302  # redirected to the sign-in page


def everyone(code):
    return {r: code for r in ROLES}


def signed_in(code, anon=ANON_LOGIN):
    return dict(everyone(code), anonymous=anon)


def only(allowed: dict, others=403, anon=ANON_LOGIN):
    table = {r: others for r in ROLES}
    table.update(anonymous=anon, **allowed)
    return table


OWN_LIBRARY = ["cataloguer", "certified", "expert", "trainer", "library_admin"]
CENTRE = {"centre_admin": 200}
CENTRE_POST = {"centre_admin": 302}

EXPECTED = {
    ("core.home", "GET"): everyone(200),
    ("core.healthz", "GET"): everyone(200),
    ("core.set_language", "POST"): everyone(302),
    ("static", "GET"): everyone(200),
    ("accounts.login", "GET"): dict(everyone(302), anonymous=200),
    ("accounts.login", "POST"): dict(everyone(302), anonymous=200),
    ("accounts.logout", "POST"): everyone(302),
    ("accounts.forgot", "GET"): everyone(200),
    ("accounts.forgot", "POST"): everyone(200),
    ("accounts.reset_password", "GET"): everyone(400),
    ("accounts.reset_password", "POST"): everyone(400),
    ("accounts.activate", "GET"): everyone(400),
    ("accounts.activate", "POST"): everyone(400),
    ("accounts.profile", "GET"): signed_in(200),
    ("accounts.profile", "POST"): signed_in(200),
    ("members.register", "GET"): everyone(200),
    ("members.register", "POST"): everyone(200),
    ("members.application", "GET"): everyone(404),
    ("members.application", "POST"): everyone(404),
    ("members.my_library", "GET"): dict(signed_in(302), centre_admin=200),
    ("members.library", "GET"): only({**{r: 200 for r in OWN_LIBRARY}, **CENTRE}),
    ("members.add_person", "POST"): only({"library_admin": 400, "centre_admin": 400}),
    ("members.person", "GET"): only({"library_admin": 200, "centre_admin": 200}),
    ("members.person", "POST"): only({"library_admin": 200, "centre_admin": 200}),
    ("members.revoke_role", "POST"): only({"library_admin": 302, "centre_admin": 302}),
    ("members.disable_person", "POST"): only({"library_admin": 302, "centre_admin": 302}),
    ("admin.index", "GET"): only({"centre_admin": 200, "library_admin": 302, "other_library": 302}),
    ("admin.applications", "GET"): only(CENTRE),
    ("admin.application", "GET"): only(CENTRE),
    ("admin.application", "POST"): only(CENTRE),
    ("admin.libraries", "GET"): only(CENTRE),
    ("admin.library", "GET"): only(CENTRE),
    ("admin.library", "POST"): only(CENTRE_POST),  # an empty POST keeps the stored values
    ("admin.library_action", "POST"): only(CENTRE_POST),
    ("admin.users", "GET"): only(CENTRE),
    ("admin.user", "GET"): only(CENTRE),
    ("admin.user", "POST"): only(CENTRE),
    ("admin.revoke_grant", "POST"): only(CENTRE_POST),
    ("admin.user_action", "POST"): only(CENTRE_POST),
    ("admin.audit", "GET"): only(CENTRE),
    ("sru.endpoint", "GET"): everyone(200),  # public SRU server: explain without parameters
    ("sru.endpoint", "POST"): everyone(200),
    # external catalogues: members and the centre search; cataloguers copy into their own drafts
    ("external.search", "GET"): signed_in(200),
    ("external.copy", "POST"): only({r: 400 for r in OWN_LIBRARY + ["other_library"]}),
    # the public catalogue (OPAC) and copy cataloguing: downloads and holdings for member cataloguers
    ("catalog.search", "GET"): everyone(200),
    ("catalog.centre_search", "GET"): everyone(200),
    ("catalog.record", "GET"): everyone(200),
    ("catalog.centre_record", "GET"): everyone(200),
    ("catalog.export", "GET"): everyone(200),
    ("catalog.download_record", "POST"): only({r: 400 for r in OWN_LIBRARY + ["other_library"]}),
    ("catalog.add_holding", "POST"): only({r: 400 for r in OWN_LIBRARY + ["other_library"]}),
    ("catalog.basket_page", "GET"): everyone(200),
    ("catalog.basket_add", "POST"): everyone(302),
    ("catalog.basket_remove", "POST"): everyone(302),
    ("catalog.basket_clear", "POST"): everyone(302),
    ("catalog.basket_export", "GET"): everyone(302),  # the basket is empty: back to it
    ("catalog.basket_download", "POST"): only({r: 400 for r in OWN_LIBRARY + ["other_library"]}),
    # original cataloguing: cataloguers of member libraries; drafts are their owner's alone
    ("catalog.headings", "GET"): everyone(200),
    ("cataloguing.drafts", "GET"): only({r: 200 for r in OWN_LIBRARY + ["other_library"]}),
    ("cataloguing.new", "POST"): only({r: 302 for r in OWN_LIBRARY + ["other_library"]}),
    ("cataloguing.edit_record", "POST"): only({r: 302 for r in OWN_LIBRARY + ["other_library"]}),
    ("cataloguing.draft", "GET"): only({"cataloguer": 200, **{r: 404 for r in OWN_LIBRARY[1:] + ["other_library"]}}),
    ("cataloguing.draft", "POST"): only({"cataloguer": 302, **{r: 404 for r in OWN_LIBRARY[1:] + ["other_library"]}}),
    ("cataloguing.delete", "POST"): only({"cataloguer": 302, **{r: 404 for r in OWN_LIBRARY[1:] + ["other_library"]}}),
    ("cataloguing.headings", "GET"): signed_in(200),
    # the review queue: the quality-control group and the centre (the demo "expert" is consultation)
    ("cataloguing.review_queue", "GET"): only(CENTRE),
    ("cataloguing.review_item", "GET"): only(CENTRE),
    ("cataloguing.review_item", "POST"): only(CENTRE),
    ("cataloguing.probation", "GET"): only(CENTRE),
    ("cataloguing.probation", "POST"): only(CENTRE),  # an empty form is shown again
}


def _world():
    own, other = gen_library(code="OWN"), gen_library(code="OTHER")
    users = {
        "cataloguer": gen_user("cataloguer", library=own),
        "certified": gen_user("cataloguer", ("certified", "chinese", 3), library=own),
        "expert": gen_user("cataloguer", ("expert", "consultation"), library=own),
        "trainer": gen_user("cataloguer", "trainer", library=own),
        "library_admin": gen_user("cataloguer", "library_admin", library=own),
        "centre_admin": gen_user("centre_admin"),
        "other_library": gen_user("cataloguer", "library_admin", library=other),
    }
    target = gen_user("cataloguer", library=own)
    from app.catalog import services
    from app.catalog.workflow_models import Draft, ReviewItem
    from app.extensions import db
    from tests.catalog.records import cnmarc_book

    record = services.create(None, cnmarc_book("矩阵测试记录"))
    held = services.create(None, cnmarc_book("待审记录"), status="review")
    draft = Draft(user_id=users["cataloguer"].id, library_id=own.id, text="=LDR  00000nam0 2200000   450 ")
    db.session.add(draft)
    db.session.flush()
    item = ReviewItem(kind="probation", record_id=held.id, scope="chinese",
                      submitted_by_id=users["certified"].id, library_id=own.id)
    db.session.add(item)
    db.session.commit()
    args = {"record_id": record.id, "draft_id": draft.id, "item_id": item.id,"library_id": own.id, "user_id": target.id, "grant_id": target.grants[0].id,
            "region_code": own.region.code, "token": "not-a-valid-token", "status": "submitted", "filename": "site.css",
            "action": "disable"}
    return users, args


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_is_in_the_table(app):
    missing = [(r.endpoint, m) for r, m in _routes(app) if (r.endpoint, m) not in EXPECTED]
    assert missing == [], f"add these routes to EXPECTED: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(client, ctx, role):
    users, args = _world()
    if role != "anonymous":
        assert login(client, users[role]).status_code == 302
    wrong = []
    with ctx.test_request_context():
        from flask import url_for

        urls = [(r.endpoint, m, url_for(r.endpoint, **{k: args[k] for k in r.arguments}))
                for r, m in _routes(ctx)]
    for endpoint, method, url in urls:
        expected = EXPECTED[(endpoint, method)][role]
        if (endpoint, method) == ("accounts.logout", "POST"):
            continue  # would end the session of the rest of the walk; covered in test_auth
        resp = client.open(url, method=method, data={})
        if resp.status_code != expected:
            wrong.append(f"{method} {url} ({endpoint}): {resp.status_code}, expected {expected}")
    assert wrong == []
