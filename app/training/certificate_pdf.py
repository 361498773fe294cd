"""The printable training certificate (培训证书), bilingual, as a PDF made with WeasyPrint.

Made like every printed document (app/core/pdf.py): autoescaped, Noto Sans CJK SC, nothing fetched.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.pdf import html_to_pdf, render_html

TEMPLATE = "training/certificate_pdf.html"
KIND_LABELS = {
    "general": ("编目业务综合培训", "General cataloguing training"),
    "cnmarc": ("CNMARC 格式培训", "CNMARC format training"),
    "marc21": ("MARC 21 格式培训", "MARC 21 format training"),
    "rda": ("RDA 规则培训", "RDA training"),
    "subject": ("主题标引与分类培训", "Subject indexing and classification training"),
    "authority": ("规范控制培训", "Authority control training"),
    "other": ("专题培训", "Topical training"),
}


@dataclass(frozen=True)
class TrainingCertificateData:
    number: str
    holder_name: str
    library_name: str
    session_title_zh: str
    session_title_en: str
    kind: str
    starts_on: date
    ends_on: date
    issued_on: date
    centre_name: str
    centre_name_en: str = ""
    library_name_en: str = ""
    place: str = ""                # the city, or "在线 / online"


def render_training_certificate_html(cert: TrainingCertificateData) -> str:
    kind = KIND_LABELS.get(cert.kind, (cert.kind, cert.kind))
    return render_html(TEMPLATE, cert=cert, kind_zh=kind[0], kind_en=kind[1],
                       one_day=cert.starts_on == cert.ends_on, eligible=cert.kind == "general")


def render_training_certificate_pdf(cert: TrainingCertificateData) -> bytes:
    """A4 landscape, one page."""
    return html_to_pdf(render_training_certificate_html(cert))
