"""The printable training certificate (培训证书), bilingual, as a PDF made with WeasyPrint.

Made as the exam certificate is (app/certification/certificate_pdf.py): a plain Jinja environment
with autoescaping on, so a name or session title containing markup is printed as text, and the
font named explicitly (Debian's fonts-noto-cjk) so that Chinese is never set in a Japanese face.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.certification.certificate_pdf import FONT_FAMILY, TEMPLATES

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
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


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


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["date_zh"] = lambda d: f"{d.year}年{d.month}月{d.day}日"
    env.filters["date_en"] = lambda d: f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    return env


def render_training_certificate_html(cert: TrainingCertificateData) -> str:
    kind = KIND_LABELS.get(cert.kind, (cert.kind, cert.kind))
    return _environment().get_template(TEMPLATE).render(
        cert=cert, kind_zh=kind[0], kind_en=kind[1], font_family=FONT_FAMILY,
        one_day=cert.starts_on == cert.ends_on, eligible=cert.kind == "general")


def render_training_certificate_pdf(cert: TrainingCertificateData) -> bytes:
    """A4 landscape, one page."""
    from weasyprint import HTML  # heavy import, only when a PDF is really made

    return HTML(string=render_training_certificate_html(cert), base_url=str(TEMPLATES)).write_pdf()
