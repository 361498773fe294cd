"""Demo desk: the roster of this week and the next, two answered questions, one of them in the FAQ.

Safe to run again: roster cells already filled are left alone, questions are found by their title.
Rows are written directly (not through the services) so the demo queues no mail.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.core.types import utcnow
from app.extensions import db

from .faq import plain
from .faq_models import FaqEntry
from .models import CATEGORIES, ConsultMessage, ConsultQuestion
from .roster_models import RosterEntry
from .workdays import local_date, week_start

EXPERT, QC, ASKER = "expert@bianmu.example.org", "qc@bianmu.example.org", "cataloguer@bianmu.example.org"

MULTIVOLUME_Q = """本馆新到一套《中国陶瓷全集》共 8 卷，每卷有分卷题名。请问在 CNMARC 中：

1. 是按整套做一条记录，还是每卷一条？
2. 分卷记录的 200 字段和 461 字段应该怎么写？"""
MULTIVOLUME_A = """联合目录的做法是**分卷著录**：每卷一条记录，用 461 连接到整套。

- 200 字段：`$a` 著录分卷题名，整套题名不进 200 字段的 `$a`；如分卷无独立题名，则 `$a` 用总题名、`$h` 卷次。
- 461 字段（总集）：`$1` 嵌入整套的 200 字段，例如 `461 #0 $12001#$a中国陶瓷全集$v3`，`$v` 为卷次。
- 225 字段著录丛编/总集题名时，指示符与 410/461 的连接要一致。

整套有统一 ISBN 时，另记在 010 字段并加 `$b` 说明“套”。"""
MULTIVOLUME_FAQ_Q = """一套多卷书（例如 8 卷的图录），每卷有分卷题名。在 CNMARC 中应当整套著录还是分卷著录？分卷记录的 200 字段和 461 字段怎么写？"""

PERSON_Q = """一本译著有原著者和译者，另有一位“审校”。原著者放 701，译者和审校都放 702 吗？什么时候用 701、什么时候用 702？"""
PERSON_A = """701 是**等同知识责任**（与主要责任者同等的个人责任者，如合著者），702 是**次要知识责任**（译者、编者、审校、插图者等）。

- 原著者：只有一人时用 701（指示符 `#0` 或 `#1` 视姓名形式而定），`$4` 著。
- 译者：702，`$4` 译。
- 审校：702，`$4` 审校。

如果封面只题“××主编”的合集，主编用 701 而不是 702。"""


def _roster(monday, expert: User, qc: User) -> int:
    added = 0
    for category in CATEGORIES:
        duty, sub = (qc, expert) if category == "marc21" else (expert, qc)
        for is_lead, person, substitute in ((False, duty, sub), (True, expert, None)):
            exists = db.session.scalar(select(RosterEntry.id).where(
                RosterEntry.week_start == monday, RosterEntry.category == category, RosterEntry.is_lead.is_(is_lead)))
            if exists is None:
                db.session.add(RosterEntry(week_start=monday, category=category, is_lead=is_lead,
                                           expert_id=person.id, substitute_id=getattr(substitute, "id", None)))
                added += 1
    return added


def _question(asker: User, expert: User, category: str, title: str, body: str, answer: str, days_ago: int):
    q = db.session.scalar(select(ConsultQuestion).where(ConsultQuestion.title == title))
    if q is not None:
        return q, False
    asked = utcnow() - timedelta(days=days_ago)
    answered = asked + timedelta(hours=5)
    q = ConsultQuestion(asker_id=asker.id, library_id=asker.library_id, category=category, language_group="chinese",
                        title=title, body=body, status="answered", assignee_id=expert.id, created_at=asked,
                        updated_at=answered, first_answered_at=answered, first_answer_by_id=expert.id)
    db.session.add(q)
    db.session.add(ConsultMessage(question=q, author_id=asker.id, kind="question", body=body, created_at=asked))
    db.session.add(ConsultMessage(question=q, author_id=expert.id, kind="answer", body=answer, created_at=answered))
    db.session.flush()
    return q, True


def seed_consult() -> dict:
    people = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_((EXPERT, QC, ASKER))))}
    if len(people) < 3:
        return {"roster": 0, "questions": 0, "faq": 0}
    expert, qc, asker = people[EXPERT], people[QC], people[ASKER]
    monday = week_start(local_date(utcnow()))
    counts = {"roster": _roster(monday, expert, qc) + _roster(monday + timedelta(days=7), expert, qc),
              "questions": 0, "faq": 0}
    q1, new1 = _question(asker, expert, "cnmarc", "多卷书在 CNMARC 中如何著录 200 和 461 字段？",
                         MULTIVOLUME_Q, MULTIVOLUME_A, 6)
    _q2, new2 = _question(asker, expert, "cnmarc", "701 和 702 字段分别在什么情况下使用？", PERSON_Q, PERSON_A, 3)
    counts["questions"] = int(new1) + int(new2)
    if db.session.scalar(select(FaqEntry.id).where(FaqEntry.question_id == q1.id)) is None:
        title = "多卷书：分卷著录时 200 字段与 461 字段的写法"
        e = FaqEntry(question_id=q1.id, category="cnmarc", language_group="chinese", title=title,
                     question_text=MULTIVOLUME_FAQ_Q, answer_text=MULTIVOLUME_A, published_by_id=expert.id)
        e.search_text = " ".join([title, plain(MULTIVOLUME_FAQ_Q), plain(MULTIVOLUME_A)]).lower()
        db.session.add(e)
        counts["faq"] = 1
    db.session.commit()
    return counts
