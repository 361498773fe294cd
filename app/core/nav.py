"""The main navigation. Each part of the portal appears once its blueprint is registered."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from app import permissions as p

# (endpoint, label, rule deciding who sees it)
PARTS = [
    ("catalog.search", _l("Catalogue"), p.ANYONE),
    ("cataloguing.drafts", _l("Cataloguing"), p.CATALOGUER),
    ("cataloguing.review_queue", _l("Review"), p.QUALITY_CONTROL | p.CENTRE_ADMIN),
    ("exams.index", _l("Exams"), p.SIGNED_IN),
    ("practice.index", _l("Practice"), p.PRACTISE),
    ("questions.index", _l("Question bank"), p.QUESTION_AUTHOR),
    ("forum.index", _l("Forum"), p.ANYONE),
    ("consult.index", _l("Consultation"), p.SIGNED_IN),
    ("bulletins.index", _l("Bulletins"), p.ANYONE),
    ("training.index", _l("Training"), p.ANYONE),
    ("members.my_library", _l("My library"), p.SIGNED_IN),
    ("billing.my_quota", _l("Quota and fees"), p.CATALOGUER | p.LIBRARY_ADMIN | p.CENTRE_ADMIN),
    ("exam_admin.index", _l("Exam administration"), p.REVIEW_EXAM_WORK),
    ("stats.index", _l("Statistics"), p.ANYONE),
    ("admin.index", _l("Administration"), p.ADMIN_AREA),
]


def items(user) -> list[tuple[str, str]]:
    views = current_app.view_functions
    return [(endpoint, label) for endpoint, label, rule in PARTS if endpoint in views and rule(user)]
