"""Demo training: a general session held last month (the demo cataloguer attended and holds its
certificate), and two announced ones. Safe to run again: sessions are found by their Chinese title.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.core.types import utcnow
from app.extensions import db

from . import certificates, services
from .models import SHANGHAI, TrainingSession, beijing_midnight

TRAINER = "trainer@bianmu.example.org"
ATTENDEES = ("cataloguer@bianmu.example.org", "certified@bianmu.example.org", "western@bianmu.example.org")
DESCRIPTION_PAST = """两天的编目业务综合培训，完成后可报名参加三级编目员资格考试。

- 第一天：CNMARC 书目格式、著录规则
- 第二天：主题标引与《中图法》分类、上机实践

请携带本馆编目工作中遇到的疑难记录。"""
DESCRIPTION_ONLINE = """规范控制专题讲座：个人名称、团体名称规范记录的建立与维护（CNMARC 2-- 字段）。

在线会议链接在报名成功后显示。"""
DESCRIPTION_NEXT = """新一期编目业务综合培训，名额有限，额满后进入候补名单。"""


def _session(trainer, title_zh: str, **values) -> tuple[TrainingSession, bool]:
    s = db.session.scalar(select(TrainingSession).where(TrainingSession.title_zh == title_zh))
    if s is not None:
        return s, False
    s = services.create_session(trainer, title_zh=title_zh, commit=False, **values)
    services.publish(trainer, s, commit=False)
    return s, True


def seed_training() -> dict:
    """Returns how many sessions and certificates were added."""
    counts = {"sessions": 0, "certificates": 0}
    trainer = db.session.scalar(select(User).where(User.email == TRAINER))
    people = [u for u in (db.session.scalar(select(User).where(User.email == e)) for e in ATTENDEES) if u]
    if trainer is None or not people:
        return counts
    now = utcnow()
    today = now.astimezone(SHANGHAI).date()
    start = today - timedelta(days=30)
    past, made = _session(
        trainer, "中文图书编目综合培训（演示期）", title_en="General cataloguing training (demo)", kind="general",
        description=DESCRIPTION_PAST, mode="city", city="武汉", venue="武汉大学图书馆总馆三楼报告厅",
        starts_on=start, ends_on=start + timedelta(days=1),
        registration_closes_at=beijing_midnight(start - timedelta(days=3)), capacity=40)
    if made:
        counts["sessions"] += 1
        for user in people:
            reg = services.register(user, past, now=past.registration_closes_at - timedelta(days=5), commit=False)
            services.record_attendance(trainer, reg, True, now=past.starts_at + timedelta(hours=17),
                                       commit=False)
        counts["certificates"] += len(certificates.issue_certificates(trainer, past, commit=False))
    soon = today + timedelta(days=20)
    online, made = _session(
        trainer, "规范控制专题讲座（在线）", title_en="Authority control workshop (online)", kind="authority",
        description=DESCRIPTION_ONLINE, mode="online", online_url="https://meeting.example.org/bianmu-authority",
        starts_on=soon, ends_on=soon, registration_closes_at=beijing_midnight(soon - timedelta(days=1)),
        capacity=None)
    counts["sessions"] += made
    later = today + timedelta(days=45)
    nxt, made = _session(
        trainer, "中文图书编目综合培训（下一期）", title_en="General cataloguing training (next)", kind="general",
        description=DESCRIPTION_NEXT, mode="city", city="北京", venue="北京大学图书馆东楼培训教室",
        starts_on=later, ends_on=later + timedelta(days=2),
        registration_closes_at=beijing_midnight(later - timedelta(days=7)), capacity=30)
    counts["sessions"] += made
    db.session.commit()
    return counts
