"""The printable certificate (资格证书), bilingual, as a PDF made with WeasyPrint.

Usable without a Flask app (a CLI can reissue certificates in bulk): the template is rendered by a
plain Jinja environment with autoescaping on, so a holder or library name containing markup is
printed as text, never interpreted. The font is named explicitly (Debian's fonts-noto-cjk) because
WeasyPrint's fallback for Chinese depends on the machine's fontconfig and may pick a Japanese face.
No QR code: no QR library is installed, and the verification URL and code are printed in full.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.pdf import html_to_pdf, render_html

TEMPLATE = "certification/certificate_pdf.html"

SCOPE_LABELS = {
    "chinese": ("中文图书", "Chinese books"),
    "western": ("西文图书", "Western books"),
    "japanese": ("日文图书", "Japanese books"),
    "russian": ("俄文图书", "Russian books"),
    "other": ("其他语种图书", "Books in other languages"),
    "ancient": ("古籍", "Chinese rare and ancient books"),
}
LEVEL_LABELS = {3: ("三级编目员", "Level-3 cataloguer"), 2: ("二级编目员", "Level-2 cataloguer")}


@dataclass(frozen=True)
class CertificateData:
    number: str
    holder_name: str
    library_name: str
    scope: str                     # a blueprint scope: chinese | western | japanese | …
    level: int                     # 3 | 2
    issued_on: date
    valid_until: date
    verification_code: str
    verification_url: str          # the public page where anyone can check the code
    centre_name: str
    centre_name_en: str = ""
    holder_name_en: str = ""       # e.g. the name in pinyin
    library_name_en: str = ""


def render_certificate_html(cert: CertificateData) -> str:
    """The HTML the PDF is made from (a preview, and what the tests look at for escaping)."""
    scope = SCOPE_LABELS.get(cert.scope, (cert.scope, cert.scope))
    level = LEVEL_LABELS.get(cert.level, (f"{cert.level}级编目员", f"Level-{cert.level} cataloguer"))
    return render_html(TEMPLATE, cert=cert, scope_zh=scope[0], scope_en=scope[1], level_zh=level[0],
                       level_en=level[1])


def render_certificate_pdf(cert: CertificateData) -> bytes:
    """A4 landscape, one page."""
    return html_to_pdf(render_certificate_html(cert))
