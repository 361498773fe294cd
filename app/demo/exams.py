"""Demo exam rounds: one Chinese and one Western level-3 round open now, the demo cataloguer in.

Rounds need only their blueprint; papers are drawn from the question bank when a candidate
starts, so the bank must be loaded before anyone sits (the seed command loads it). Safe to run
again: what exists already is left alone.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.certification import papers, rounds
from app.certification.models import ExamRound, Registration, TrainingCertificate
from app.core.types import utcnow
from app.extensions import db

ADMIN = "admin@bianmu.example.org"
CANDIDATE = "cataloguer@bianmu.example.org"
TRAINING_NUMBER = "DEMO-PX-2026-0001"
# round code, blueprint code, title zh, title en
ROUNDS = [
    ("demo-l3-chinese", "level3-chinese", "三级编目员资格考试（中文图书）演示期",
     "Level-3 certification, Chinese books: demo round"),
    ("demo-l3-western", "level3-western", "三级编目员资格考试（西文图书）演示期",
     "Level-3 certification, Western books: demo round"),
]
OPEN_DAYS = 60


def seed_exams() -> dict:
    """Returns how many rounds, training certificates and registrations were added."""
    counts = {"rounds": 0, "training_certificates": 0, "registrations": 0}
    admin = db.session.scalar(select(User).where(User.email == ADMIN))
    cand = db.session.scalar(select(User).where(User.email == CANDIDATE))
    if admin is None or cand is None:
        return counts
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    shipped = set(papers.shipped_codes())
    made = []
    for code, blueprint, zh, en in ROUNDS:
        if blueprint not in shipped:
            continue
        r = db.session.scalar(select(ExamRound).where(ExamRound.code == code))
        if r is None:
            r = rounds.create_round(admin, blueprint_code=blueprint, code=code, title_zh=zh, title_en=en,
                                    registration_opens_at=now - timedelta(days=1),
                                    registration_closes_at=now + timedelta(days=OPEN_DAYS),
                                    seats=200, note="演示数据 / demo data", commit=False)
            for section in papers.section_codes(r.blueprint):
                rounds.add_sitting(admin, r, section, now, now + timedelta(days=OPEN_DAYS),
                                   place="在线 / online", commit=False)
            rounds.set_status(admin, r, "open", commit=False)
            counts["rounds"] += 1
        made.append(r)
    if db.session.scalar(select(TrainingCertificate.id).where(TrainingCertificate.number == TRAINING_NUMBER)) is None:
        rounds.record_training_certificate(admin, cand, TRAINING_NUMBER, note="演示数据 / demo data", commit=False)
        counts["training_certificates"] += 1
    for r in made:
        reg = db.session.scalar(select(Registration).where(Registration.round_id == r.id,
                                                           Registration.user_id == cand.id))
        if reg is None and r.status == "open" and r.registration_opens_at <= utcnow() < r.registration_closes_at:
            rounds.register(cand, r, commit=False)
            counts["registrations"] += 1
    db.session.commit()
    return counts
