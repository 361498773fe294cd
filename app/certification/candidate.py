"""What the candidate's pages show, gathered here so the views stay thin.

Nothing here reads the answer key except `result_view`, and that only once results are released
and only as far as the blueprint's review policy allows.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.catalog.editor import TEMPLATES
from app.core.errors import NotFound, PermissionDenied
from app.extensions import db

from . import papers
from .attempt_models import Certificate
from .certificate_pdf import CertificateData, render_certificate_pdf
from .models import ExamRound, Registration

CENTRE_ZH = "联合目录合作编目中心"
CENTRE_EN = "Union Catalogue Cooperative Cataloguing Centre"


def own_registration(user, reg_id: int) -> Registration:
    reg = db.session.get(Registration, reg_id)
    if reg is None:
        raise NotFound(_l("No such registration."))
    if reg.user_id != user.id:
        raise PermissionDenied(_l("This is not your registration."))
    return reg


def overview(user, now: datetime) -> dict:
    open_rounds = db.session.scalars(select(ExamRound).where(ExamRound.status == "open")
                                     .order_by(ExamRound.registration_closes_at)).all()
    regs = db.session.scalars(select(Registration).where(Registration.user_id == user.id)
                              .order_by(Registration.created_at.desc())).all()
    sections = {}
    for reg in regs:
        rows = []
        by_section = {a.section: a for a in reg.attempts}
        for code in papers.section_codes(reg.round.blueprint):
            sitting = next((s for s in reg.round.sittings if s.section == code and s.closes_at > now), None)
            a = by_section.get(code)
            rows.append({"code": code, "attempt": a, "sitting": sitting,
                         "can_start": reg.status == "registered" and sitting is not None
                         and sitting.opens_at <= now and (a is None or a.status == "in_progress")})
        sections[reg.id] = rows
    certs = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                               .order_by(Certificate.issued_on.desc())).all()
    return {"open_rounds": open_rounds, "registrations": regs, "sections": sections,
            "certificates": certs, "now": now, "today": now.date()}


def draw_labels(section, paper: list[dict], lang: str) -> dict[int, str]:
    """The heading printed before the first item of each draw (一、单项选择题 …)."""
    labels, seen = {}, set()
    for item in paper:
        for d in section.draws:
            if item["type"] in d.types and d not in seen:
                seen.add(d)
                if d.label is not None:
                    labels[item["position"]] = d.label.get(lang)
                break
    return labels


def response_from_form(item, form) -> object | None:
    """One answer from the plain-form fallback; None when the field is absent (left as it was)."""
    name = f"q{item.position}"
    kind = item.version.question.type
    if kind == "multiple":
        if f"{name}-present" not in form:
            return None
        return sorted(form.getlist(name))
    if kind == "marc_task":
        if f"{name}-mrk" not in form:
            return None
        response = {"mrk": form.get(f"{name}-mrk", "")}
        if form.get(f"{name}-choice"):
            response["choice"] = form.get(f"{name}-choice")
        return response
    if name not in form:
        return None
    value = form.get(name, "")
    if kind == "truefalse":
        return {"true": True, "false": False}.get(value)
    return value


def marc_template(fmt: str) -> str:
    """The cataloguing editor's book template, the starting point of an original-cataloguing task."""
    return TEMPLATES["marc21_book" if fmt == "marc21" else "cnmarc_book"]


def result_view(reg: Registration, lang: str) -> list[dict]:
    """Scores per section and, as the review policy allows, per item with feedback or the key."""
    bp = papers.parsed(reg.round.blueprint)
    out = []
    for a in reg.attempts:
        show = bp.review_for(a.section).show
        result = reg.section_results.get(a.section, {})
        items = []
        if show != "score_only":
            for i in a.items:
                v = i.version
                row = {"item": i, "type": v.question.type, "content": v.content,
                       "feedback": i.feedback or {}, "key": None}
                if show == "per_item_with_key":
                    row["key"] = v.key
                items.append(row)
        out.append({"attempt": a, "section": bp.section(a.section), "result": result, "items": items,
                    "show": show})
    return out


def certificate_pdf(cert: Certificate, verification_url: str) -> bytes:
    lib = cert.library
    return render_certificate_pdf(CertificateData(
        number=cert.number, holder_name=cert.user.name, library_name=lib.name_zh,
        library_name_en=lib.name_en or "", scope=cert.scope, level=cert.level, issued_on=cert.issued_on,
        valid_until=cert.valid_until, verification_code=cert.verification_code,
        verification_url=verification_url, centre_name=CENTRE_ZH, centre_name_en=CENTRE_EN))
