"""The training certificate PDF: one A4 landscape page whose text, read back with pypdf, carries the
attendee's Chinese name, the number and the session title; markup in a title is printed as text."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from app.training import certificates, services
from app.training.certificate_pdf import (TrainingCertificateData, render_training_certificate_html,
                                          render_training_certificate_pdf)

DATA = TrainingCertificateData(
    number="PX-2026-00042", holder_name="欧阳明慧", library_name="示范大学图书馆",
    library_name_en="Demonstration University Library", session_title_zh="中文图书编目综合培训（第3期）",
    session_title_en="General cataloguing training, 3rd", kind="general", starts_on=date(2026, 10, 12),
    ends_on=date(2026, 10, 14), issued_on=date(2026, 10, 15), place="武汉",
    centre_name="联合目录合作编目中心", centre_name_en="Union Catalogue Cooperative Cataloguing Centre")


@pytest.fixture(scope="module")
def reader() -> PdfReader:
    pdf = render_training_certificate_pdf(DATA)
    assert pdf.startswith(b"%PDF")
    return PdfReader(io.BytesIO(pdf))


def test_one_a4_landscape_page(reader):
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595


def test_text_reads_back(reader):
    text = reader.pages[0].extract_text()
    for expected in ("欧阳明慧", "PX-2026-00042", "中文图书编目综合培训（第3期）", "General cataloguing training, 3rd",
                     "2026年10月12日", "2026年10月14日", "示范大学图书馆",
                     "编目业务综合培训", "资格考试"):
        assert expected in text, expected
    compact = "".join(text.split())  # the heading is letter-spaced and set in capitals
    assert "培训证书" in compact and "TRAININGCERTIFICATE" in compact


def test_markup_in_a_title_is_text():
    html = render_training_certificate_html(DATA.__class__(**{**DATA.__dict__,
                                                              "session_title_zh": "<script>alert(1)</script>"}))
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_an_issued_certificate_renders_from_the_database(world, make_session):
    trainer, cat = world["trainer"], world["cats"][0]
    s = make_session(title_zh="规范控制专题培训", title_en="Authority control workshop", kind="authority")
    reg = services.register(cat, s)
    services.record_attendance(trainer, reg, True, now=s.starts_at + timedelta(hours=9))
    (cert,) = certificates.issue_certificates(trainer, s)
    text = PdfReader(io.BytesIO(certificates.pdf_for(cert))).pages[0].extract_text()
    for expected in (cat.name, cert.number, "规范控制专题培训", "Authority control workshop", world["lib"].name_zh):
        assert expected in text, expected
