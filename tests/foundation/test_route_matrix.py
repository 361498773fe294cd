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
    # members of active libraries and the centre: every signed-in role here (the outsider: test_history)
    ("catalog.history", "GET"): signed_in(200),
    ("catalog.version", "GET"): signed_in(200),
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
    # the question bank: trainers and experts; question_id / version_id name no row (404 past the check)
    ("questions.index", "GET"): only({"expert": 200, "trainer": 200}),
    ("questions.new", "GET"): only({"expert": 200, "trainer": 200}),
    ("questions.new", "POST"): only({"expert": 422, "trainer": 422}),
    ("questions.question", "GET"): only({"expert": 404, "trainer": 404}),
    ("questions.edit", "GET"): only({"expert": 404, "trainer": 404}),
    ("questions.edit", "POST"): only({"expert": 404, "trainer": 404}),
    ("questions.submit", "POST"): only({"expert": 404, "trainer": 404}),
    ("questions.review_queue", "GET"): only({"expert": 200, "trainer": 200}),
    ("questions.review", "GET"): only({"expert": 404, "trainer": 404}),
    ("questions.review", "POST"): only({"expert": 404, "trainer": 404}),
    ("questions.retire", "POST"): only({"expert": 404, "trainer": 404}),
    ("questions.import_file", "GET"): only({"expert": 200, "trainer": 200}),
    ("questions.import_file", "POST"): only({"expert": 400, "trainer": 400}),
    ("questions.export", "GET"): only({"expert": 200, "trainer": 200}),  # no format: the export form
    # practice: anyone of an active member library (and trainers, experts); the pool is empty here
    ("practice.index", "GET"): only({r: 200 for r in OWN_LIBRARY + ["other_library"]}),
    ("practice.next_question", "GET"): only({r: 302 for r in OWN_LIBRARY + ["other_library"]}),
    ("practice.question", "GET"): only({r: 404 for r in OWN_LIBRARY + ["other_library"]}),
    ("practice.question", "POST"): only({r: 404 for r in OWN_LIBRARY + ["other_library"]}),
    ("practice.history", "GET"): only({r: 200 for r in OWN_LIBRARY + ["other_library"]}),
    # exam administration (centre) and the expert review queue; the ids name no row (404 past the check)
    ("exam_admin.index", "GET"): only({"centre_admin": 200, "expert": 302}),
    ("exam_admin.new_round", "GET"): only(CENTRE),
    ("exam_admin.new_round", "POST"): only(CENTRE),  # an empty form is shown again
    ("exam_admin.round_page", "GET"): only({"centre_admin": 404}),
    ("exam_admin.add_sitting", "POST"): only({"centre_admin": 404}),
    ("exam_admin.set_status", "POST"): only({"centre_admin": 404}),
    ("exam_admin.decide", "POST"): only({"centre_admin": 404}),
    ("exam_admin.registrations_csv", "GET"): only({"centre_admin": 404}),
    ("exam_admin.release", "POST"): only({"centre_admin": 404}),
    ("exam_admin.round_results", "GET"): only({"centre_admin": 404}),
    ("exam_admin.round_stats", "GET"): only({"centre_admin": 404}),
    ("exam_admin.round_stats_csv", "GET"): only({"centre_admin": 404}),
    ("exam_admin.training", "GET"): only(CENTRE),
    ("exam_admin.training", "POST"): only(CENTRE),
    ("exam_admin.certificates", "GET"): only(CENTRE),
    ("exam_admin.revoke_certificate", "POST"): only({"centre_admin": 404}),
    ("exam_admin.reviews", "GET"): only({"centre_admin": 200, "expert": 200}),
    ("exam_admin.review", "GET"): only({"centre_admin": 404, "expert": 404}),
    ("exam_admin.review", "POST"): only({"centre_admin": 404, "expert": 404}),
    # the candidate's exam pages: anyone signed in may look; objects that don't exist are 404
    ("exams.index", "GET"): signed_in(200),
    ("exams.round_page", "GET"): signed_in(404),
    ("exams.register", "POST"): signed_in(404),
    ("exams.withdraw", "POST"): signed_in(404),
    ("exams.start", "POST"): dict(signed_in(404), centre_admin=403),  # sitting needs a cataloguer
    ("exams.attempt", "GET"): signed_in(404),
    ("exams.save", "POST"): signed_in(400),  # not JSON: refused before anything is looked up
    ("exams.save_all", "POST"): signed_in(404),
    ("exams.submit", "POST"): signed_in(404),
    ("exams.status", "GET"): signed_in(404),
    ("exams.check", "POST"): signed_in(404),
    ("exams.done", "GET"): signed_in(404),
    ("exams.result", "GET"): signed_in(404),
    ("exams.appeal", "POST"): signed_in(404),
    ("exams.certificate_pdf", "GET"): signed_in(404),
    ("exams.question_image", "GET"): signed_in(404),
    ("questions.add_image", "POST"): only({"expert": 404, "trainer": 404}),
    ("verify.lookup", "GET"): everyone(200),
    ("verify.page", "GET"): everyone(404),
    # training: the list is public; registering needs a cataloguer of an active member library;
    # trainer pages check the role before looking up the session (session_id names no row: 404)
    ("training.index", "GET"): everyone(200),
    ("training.session_page", "GET"): everyone(404),
    ("training.register", "POST"): only({r: 404 for r in OWN_LIBRARY + ["other_library"]}),
    ("training.cancel_registration", "POST"): signed_in(404),
    ("training.mine", "GET"): signed_in(200),
    ("training.certificate_pdf", "GET"): signed_in(404),
    ("training.new_session", "GET"): only({"trainer": 200}),
    ("training.new_session", "POST"): only({"trainer": 200}),  # an empty form is shown again
    ("training.edit_session", "GET"): only({"trainer": 404}),
    ("training.edit_session", "POST"): only({"trainer": 404}),
    ("training.publish", "POST"): only({"trainer": 404}),
    ("training.cancel_session", "GET"): only({"trainer": 404}),
    ("training.cancel_session", "POST"): only({"trainer": 404}),
    ("training.registrations", "GET"): only({"trainer": 404}),
    ("training.attendance", "POST"): only({"trainer": 404}),
    ("training.issue_certificates", "POST"): only({"trainer": 404}),
    ("training.attendees_csv", "GET"): only({"trainer": 404}),
    ("training.statistics", "GET"): only({"trainer": 200, "centre_admin": 200}),
    # in-site notifications: one's own only (notification_id names no row: 404)
    ("notify.index", "GET"): signed_in(200),
    ("notify.open_", "POST"): signed_in(404),
    ("notify.read_all", "POST"): signed_in(302),
    # the forum: reading is public (ids name no row: 404); posting needs a signed-in member, trainer,
    # expert or centre admin; moderation (experts, centre admins) is checked before the lookup
    ("forum.index", "GET"): everyone(200),
    ("forum.search_page", "GET"): everyone(200),
    ("forum.board", "GET"): everyone(404),
    ("forum.topic", "GET"): everyone(404),
    ("forum.first_unread", "GET"): everyone(404),
    ("forum.post_link", "GET"): everyone(404),
    ("forum.history", "GET"): everyone(404),
    ("forum.new_topic", "GET"): signed_in(404),
    ("forum.new_topic", "POST"): signed_in(404),
    ("forum.reply", "POST"): signed_in(404),
    ("forum.subscribe_topic", "POST"): signed_in(404),
    ("forum.subscribe_board", "POST"): signed_in(404),
    ("forum.edit", "GET"): signed_in(404),
    ("forum.edit", "POST"): signed_in(404),
    ("forum.accept", "POST"): signed_in(404),
    ("forum.report", "GET"): signed_in(404),
    ("forum.report", "POST"): signed_in(404),
    ("forum.toggle", "POST"): only({"expert": 404, "centre_admin": 404}),
    ("forum.move", "GET"): only({"expert": 404, "centre_admin": 404}),
    ("forum.move", "POST"): only({"expert": 404, "centre_admin": 404}),
    ("forum.delete_topic", "GET"): only({"expert": 404, "centre_admin": 404}),
    ("forum.delete_topic", "POST"): only({"expert": 404, "centre_admin": 404}),
    ("forum.split", "GET"): only({"expert": 404, "centre_admin": 404}),
    ("forum.split", "POST"): only({"expert": 404, "centre_admin": 404}),
    ("forum.hide", "GET"): only({"expert": 404, "centre_admin": 404}),
    ("forum.hide", "POST"): only({"expert": 404, "centre_admin": 404}),
    ("forum.unhide", "POST"): only({"expert": 404, "centre_admin": 404}),
    ("forum.delete_post", "GET"): only({"expert": 404, "centre_admin": 404}),
    ("forum.delete_post", "POST"): only({"expert": 404, "centre_admin": 404}),
    ("forum.resolve", "POST"): only({"expert": 404, "centre_admin": 404}),
    ("forum.report_queue", "GET"): only({"expert": 200, "centre_admin": 200}),
    ("forum.moderation_log", "GET"): only({"expert": 200, "centre_admin": 200}),
    # the bulletin: public archive, issues, PDFs, images, search and feed (ids name no row: 404);
    # trainers write, trainers and centre administrators review and publish (role checked first)
    ("bulletins.index", "GET"): everyone(200),
    ("bulletins.year", "GET"): everyone(200),
    ("bulletins.issue", "GET"): everyone(404),
    ("bulletins.issue_pdf", "GET"): everyone(404),
    ("bulletins.image", "GET"): everyone(404),
    ("bulletins.search_page", "GET"): everyone(200),
    ("bulletins.feed", "GET"): everyone(200),
    ("bulletins.subscribe", "POST"): signed_in(302),
    ("bulletins.unsubscribe", "POST"): signed_in(302),
    ("bulletins.editor", "GET"): only({"trainer": 200, "centre_admin": 200}),
    ("bulletins.new_issue", "GET"): only({"trainer": 200}),
    ("bulletins.new_issue", "POST"): only({"trainer": 200}),  # an empty form is shown again
    ("bulletins.edit", "GET"): only({"trainer": 404}),
    ("bulletins.edit", "POST"): only({"trainer": 404}),
    ("bulletins.add_section", "POST"): only({"trainer": 404}),
    ("bulletins.edit_section", "GET"): only({"trainer": 404}),
    ("bulletins.edit_section", "POST"): only({"trainer": 404}),
    ("bulletins.move_section", "POST"): only({"trainer": 404}),
    ("bulletins.delete_section", "POST"): only({"trainer": 404}),
    ("bulletins.upload_image", "POST"): only({"trainer": 404}),
    ("bulletins.delete_image", "POST"): only({"trainer": 404}),
    ("bulletins.submit", "POST"): only({"trainer": 404}),
    ("bulletins.delete_issue", "POST"): only({"trainer": 404}),
    ("bulletins.review", "GET"): only({"trainer": 404, "centre_admin": 404}),
    ("bulletins.publish", "POST"): only({"trainer": 404, "centre_admin": 404}),
    ("bulletins.return_issue", "POST"): only({"trainer": 404, "centre_admin": 404}),
    # consultation desk: asking needs a cataloguer of an active member library; answering, an expert;
    # the roster is seen by experts and administrators, edited by the centre administrator; the FAQ is public
    ("consult.index", "GET"): signed_in(200),
    ("consult.ask", "GET"): only({r: 200 for r in OWN_LIBRARY + ["other_library"]}),
    ("consult.ask", "POST"): only({r: 200 for r in OWN_LIBRARY + ["other_library"]}),
    ("consult.mine", "GET"): signed_in(200),
    ("consult.thread", "GET"): signed_in(404),
    ("consult.reply", "POST"): only({"expert": 404}),
    ("consult.reassign", "POST"): only({"expert": 404}),
    ("consult.follow_up", "POST"): signed_in(404),
    ("consult.close", "POST"): signed_in(404),
    ("consult.publish", "GET"): only({"expert": 404}),
    ("consult.publish", "POST"): only({"expert": 404}),
    ("consult.attachment", "GET"): signed_in(404),
    ("consult.queue", "GET"): only({"expert": 200, "centre_admin": 200}),
    ("consult.statistics", "GET"): only({"expert": 200, "centre_admin": 200}),
    ("consult.roster", "GET"): only({"expert": 200, "centre_admin": 200}),
    ("consult.save_roster", "POST"): only(CENTRE_POST),
    ("consult.add_absence", "POST"): only(CENTRE),  # an empty form is shown again
    ("consult.delete_absence", "POST"): only({"centre_admin": 404}),
    ("consult.faq_index", "GET"): everyone(200),
    ("consult.faq_entry", "GET"): everyone(404),
    # billing: schedules are the centre's; a library's quota is for its people, its statement for its admins.
    ("billing.schedule_list", "GET"): only(CENTRE),
    ("billing.new_schedule", "GET"): only(CENTRE),
    ("billing.new_schedule", "POST"): only(CENTRE),  # an empty form is shown again
    ("billing.my_quota", "GET"): signed_in(302),
    ("billing.quota", "GET"): only({**{r: 200 for r in OWN_LIBRARY}, **CENTRE}),
    ("billing.statement", "GET"): only({"library_admin": 200, "centre_admin": 200}),
    ("billing.statement_csv", "GET"): only({"library_admin": 200, "centre_admin": 200}),
    ("billing.statement_pdf", "GET"): only({"library_admin": 200, "centre_admin": 200}),
    ("billing.summary", "GET"): only(CENTRE),
    ("billing.summary_csv", "GET"): only(CENTRE),
    ("billing.ledger_page", "GET"): only({"library_admin": 200, "centre_admin": 200}),
    ("billing.correct", "GET"): only({"centre_admin": 404}),
    ("billing.correct", "POST"): only({"centre_admin": 404}),
    # batch copy by ISBN list: cataloguers and library administrators of active member libraries;
    # job_id names no row (404), a centre administrator is refused before the lookup
    ("batch.index", "GET"): only({r: 200 for r in OWN_LIBRARY + ["other_library"]}),
    ("batch.index", "POST"): only({r: 200 for r in OWN_LIBRARY + ["other_library"]}),  # shown again
    ("batch.job", "GET"): only({r: 404 for r in OWN_LIBRARY + ["other_library"]}),
    ("batch.job_status", "GET"): only({r: 404 for r in OWN_LIBRARY + ["other_library"]}),
    ("batch.result", "GET"): only({r: 404 for r in OWN_LIBRARY + ["other_library"]}),
    ("batch.report", "GET"): only({r: 404 for r in OWN_LIBRARY + ["other_library"]}),
    # usage statistics: the summary is public, the details are the centre's
    ("stats.index", "GET"): everyone(200),
    ("stats.details", "GET"): only(CENTRE),
    ("stats.details_csv", "GET"): only(CENTRE),
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
            "action": "disable",
            "round_id": 999999, "registration_id": 999999, "review_id": 999999, "certificate_id": 999999}
    args.update(reg_id=999999, section="A", attempt_id=999999, cert_id=999999, code="NOSUCHCODE",
                question_id=999999, version_id=999999, name="x.png")
    args.update(session_id=999999)
    args.update(notification_id=999999)
    args.update(board_id=999999, topic_id=999999, post_id=999999, report_id=999999)
    args.update(attachment_id=999999, absence_id=999999, faq_id=999999)
    args.update(bulletin_id=999999, bulletin_year=2026, image_name="nosuch.png", section_id=999999, image_id=999999)
    args.update(library_id=own.id, entry_id=999999)  # billing: the own library; no ledger entry
    args.update(job_id=999999)  # batch ISBN jobs: no such job
    args.update(number=1)  # the record's version 1
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
