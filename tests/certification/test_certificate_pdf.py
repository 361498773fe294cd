"""The certificate PDF: one A4 landscape page whose text (read back with pypdf) carries the holder,
number, level and verification code, set in Noto Sans CJK; markup in names is printed as text."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from app.certification.certificate_pdf import (
    CertificateData, render_certificate_html, render_certificate_pdf)

CERT = CertificateData(
    number="BM-2026-CN3-0042", holder_name="欧阳明慧", holder_name_en="Ouyang Minghui",
    library_name="示范大学图书馆", library_name_en="Demonstration University Library",
    scope="chinese", level=3, issued_on=date(2026, 11, 24), valid_until=date(2029, 11, 23),
    verification_code="7KQ2-MX9P-4TZD",
    verification_url="https://bianmu.example.org/certificates/verify?code=7KQ2-MX9P-4TZD",
    centre_name="联合目录编目中心", centre_name_en="Union Catalogue Cataloguing Centre")


@pytest.fixture(scope="module")
def reader() -> PdfReader:
    pdf = render_certificate_pdf(CERT)
    assert pdf.startswith(b"%PDF")
    return PdfReader(io.BytesIO(pdf))


def test_one_a4_landscape_page(reader):
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595


def test_text_reads_back(reader):
    text = reader.pages[0].extract_text()
    for expected in ("欧阳明慧", "BM-2026-CN3-0042", "三级编目员", "Level-3 cataloguer", "中文图书",
                     "Chinese books", "7KQ2-MX9P-4TZD", "2026年11月24日", "2029年11月23日",
                     "23 November 2029", "示范大学图书馆", "联合目录编目中心",
                     "https://bianmu.example.org/certificates/verify?code=7KQ2-MX9P-4TZD"):
        assert expected in text, expected


def _embedded_fonts(reader: PdfReader) -> set[str]:
    """Base font names (subset prefix and separators removed) of the fonts whose file is embedded."""
    names = set()
    for ref in reader.pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        for f in [font, *(d.get_object() for d in font.get("/DescendantFonts") or [])]:
            descriptor = f.get("/FontDescriptor")
            if descriptor is not None and any(k in descriptor.get_object() for k in
                                              ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(f["/BaseFont"]).split("+")[-1].replace("-", "").replace(" ", ""))
    return names


def test_embeds_noto_sans_cjk(reader):
    names = _embedded_fonts(reader)
    assert any(name.startswith("NotoSansCJK") for name in names), names


def test_markup_in_names_is_escaped():
    evil = CertificateData(**{**CERT.__dict__, "holder_name": "<script>alert(1)</script>王五",
                              "library_name": "A & B <b>Library</b>"})
    html = render_certificate_html(evil)
    assert "<script>" not in html and "<b>Library" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;王五" in html and "A &amp; B" in html
    text = PdfReader(io.BytesIO(render_certificate_pdf(evil))).pages[0].extract_text()
    assert "<script>alert(1)</script>王五" in text


def test_other_scopes_and_levels_have_labels():
    html = render_certificate_html(CertificateData(**{**CERT.__dict__, "scope": "western",
                                                      "level": 2, "holder_name_en": ""}))
    assert "西文图书" in html and "Western books" in html and "二级编目员" in html
    assert "Level-2 cataloguer" in html
