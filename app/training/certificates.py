"""Training certificates issued by sessions: numbers, issuing, the PDF.

They are rows of the exam's `TrainingCertificate` table (with `session_id`), so a general-kind
certificate is exactly what the exam's eligibility check finds.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import audit
from app.certification.models import TrainingCertificate
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from app.permissions import CENTRE_ADMIN, require

from . import services
from .certificate_pdf import TrainingCertificateData, render_training_certificate_pdf
from .models import SHANGHAI, TrainingSession
from .services import MANAGE_TRAINING

NUMBER_PREFIX = "PX"
CENTRE_ZH = "联合目录合作编目中心"
CENTRE_EN = "Union Catalogue Cooperative Cataloguing Centre"


def next_number(year: int) -> str:
    """PX-2026-00042: the next free number of the year."""
    prefix = f"{NUMBER_PREFIX}-{year}-"
    taken = db.session.scalars(select(TrainingCertificate.number).where(
        TrainingCertificate.number.like(prefix + "%"))).all()
    seqs = [int(n[len(prefix):]) for n in taken if n[len(prefix):].isdigit()]
    return f"{prefix}{max(seqs, default=0) + 1:05d}"


def issue_certificates(actor, s: TrainingSession, now: datetime | None = None,
                       commit: bool = True) -> list[TrainingCertificate]:
    """One certificate per attendee per session; asking again issues only the missing ones."""
    now = now or utcnow()
    require(MANAGE_TRAINING, actor)
    if s.status != "published":
        raise DomainError(_l("Certificates are issued for published sessions only."))
    issued = []
    for reg in s.registrations:
        if reg.status != "registered" or not reg.attended or services.certificate_for(reg) is not None:
            continue
        cert = TrainingCertificate(number=next_number(now.astimezone(SHANGHAI).year), user_id=reg.user_id,
                                   kind=s.kind, issued_on=now, issued_by_id=actor.id, session_id=s.id,
                                   note=s.title_zh[:500])
        db.session.add(cert)
        db.session.flush()
        audit.record(actor, "training.certificate_issued", reg.user, number=cert.number, kind=s.kind,
                     session_id=s.id)
        services.tell(reg.user, s, "certificate", number=cert.number)
        issued.append(cert)
    if commit:
        db.session.commit()
    return issued


def certificates_of(user) -> list[TrainingCertificate]:
    return db.session.scalars(select(TrainingCertificate).where(TrainingCertificate.user_id == user.id)
                              .order_by(TrainingCertificate.issued_on.desc())).all()


def certificate_for_download(user, cert_id: int) -> TrainingCertificate:
    """Only certificates a session issued are printed here; those the centre recorded by hand
    (training held elsewhere) have their own paper."""
    cert = db.session.get(TrainingCertificate, cert_id)
    if cert is None or cert.session_id is None:
        raise NotFound(_l("No such certificate."))
    manager = (MANAGE_TRAINING | CENTRE_ADMIN)(user)
    if cert.user_id != user.id and not manager:
        raise PermissionDenied(_l("This is not your certificate."))
    if cert.revoked_at is not None and not manager:
        raise PermissionDenied(_l("This certificate has been revoked."))
    return cert


def pdf_for(cert: TrainingCertificate) -> bytes:
    """The certificate of a session (`cert.session_id` set), with the holder's current library."""
    s = db.session.get(TrainingSession, cert.session_id)
    user, lib = cert.user, cert.user.library
    return render_training_certificate_pdf(TrainingCertificateData(
        number=cert.number, holder_name=user.name, library_name=lib.name_zh if lib else "",
        library_name_en=(lib.name_en or "") if lib else "", session_title_zh=s.title_zh,
        session_title_en=s.title_en, kind=cert.kind, starts_on=s.starts_on, ends_on=s.ends_on,
        issued_on=cert.issued_on.astimezone(SHANGHAI).date(),
        place="在线 / online" if s.mode == "online" else (s.city or ""),
        centre_name=CENTRE_ZH, centre_name_en=CENTRE_EN))
