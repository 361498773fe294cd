"""Exam factories: generated questions in the shared shapes, a small bank, tiny blueprints, rounds.

The shipped bank and blueprints are large (45 + 5 items a paper); these make papers of a few
items so a test can sit, grade and analyse many attempts quickly. Each factory commits.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import yaml

from app.certification import papers
from app.certification.models import ExamRound, Sitting
from app.core.types import utcnow
from app.extensions import db
from app.questions.models import Question, QuestionVersion

_seq = itertools.count(1)

# A short CNMARC book record in MarcMaker text, graded by the cnmarc_book rubric.
CNMARC_REFERENCE = "\n".join([
    "=LDR  00000nam0\\2200000\\\\\\450\\",
    r"=001  GENTASK001",
    r"=010  \\$a978-7-5013-0000-6$dCNY45.00",
    r"=100  \\$a20240101d2020    em y0chiy50      ea",
    r"=101  0\$achi",
    r"=102  \\$aCN$b110000",
    r"=200  1\$a编目测试$f张三著",
    r"=210  \\$a北京$c国家图书馆出版社$d2020",
    r"=215  \\$a320页$d26cm",
    r"=606  0\$a编目",
    r"=690  \\$aG254$v5",
    r"=701  \0$a张三$4著",
    r"=801  \0$aCN$bTEST$c20240101",
])

DEFAULT_POINTS = {"single": 2, "truefalse": 2, "multiple": 4, "fill": 2, "marc_task": 20}


def _shapes(type_: str, n: int):
    if type_ == "single":
        return ({"text": f"单选题 {n}", "text_en": f"Single {n}",
                 "choices": [{"key": k, "text": f"选项{k}", "text_en": None} for k in "ABCD"]},
                {"answer": "B", "explanation": "B 正确", "explanation_en": None, "source": "test"})
    if type_ == "multiple":
        return ({"text": f"多选题 {n}", "text_en": None, "partial_credit": "each_correct",
                 "choices": [{"key": k, "text": f"选项{k}", "text_en": None} for k in "ABCD"]},
                {"answer": ["A", "C"], "explanation": "A、C", "explanation_en": None, "source": "test"})
    if type_ == "truefalse":
        return ({"text": f"判断题 {n}", "text_en": None},
                {"answer": True, "explanation": "对", "explanation_en": None, "source": "test"})
    if type_ == "fill":
        return ({"text": f"填空题 {n}：中图法分类号字段是____", "text_en": None},
                {"answer": ["690", "690字段"], "explanation": "690", "explanation_en": None, "source": "test"})
    if type_ == "marc_task":
        return ({"kind": "original", "format": "cnmarc", "title": f"原始编目 {n}", "title_en": f"Task {n}",
                 "description": "为《编目测试》编制 **CNMARC** 记录。", "description_en": None, "start": None,
                 "candidates": [], "rubric": "cnmarc_book", "time_limit_minutes": 30},
                {"references": [CNMARC_REFERENCE], "answer": None, "errors": []})
    raise ValueError(type_)


def gen_question(type_: str = "single", *, language_group: str = "chinese", category: str | None = None,
                 difficulty: int = 2, tags=(), code: str | None = None, points=None) -> Question:
    """A question with one approved version, in the shapes every issue-5 module shares."""
    n = next(_seq)
    content, key = _shapes(type_, n)
    category = category or ("marc_task" if type_ == "marc_task" else "cnmarc")
    q = Question(code=code or f"gen-{type_}-{n:04d}", type=type_, category=category,
                 language_group=language_group, difficulty=difficulty, tags=list(tags), origin="bank")
    pts = Decimal(str(points if points is not None else DEFAULT_POINTS[type_]))
    digest = hashlib.sha256(json.dumps([content, key, str(pts)], sort_keys=True,
                                       ensure_ascii=False).encode()).hexdigest()
    db.session.add(q)
    db.session.add(QuestionVersion(question=q, number=1, content=content, key=key, points=pts,
                                   content_hash=digest, status="approved", reviewed_at=utcnow()))
    db.session.commit()
    return q


def gen_bank(n: int = 4, language_group: str = "chinese", types=("single", "truefalse", "multiple"),
             tasks: int = 1) -> list[Question]:
    """`n` questions of each objective type and `tasks` MARC tasks: enough for TINY_BLUEPRINT."""
    out = [gen_question(t, language_group=language_group) for t in types for _ in range(n)]
    out += [gen_question("marc_task", language_group=language_group) for _ in range(tasks)]
    return out


def tiny_blueprint(code: str = "tiny-chinese", scope: str = "chinese", eligibility="training_or_approval",
                   objective: int = 2, tasks: int = 1, band_points=20) -> dict:
    """Section A: `objective` single + `objective` true/false (2 points each), pass 50 %;
    section B: `tasks` MARC tasks of 20, pass 60 %, every task in the expert band by default."""
    section_b = {"code": "B", "title": {"zh": "实践", "en": "Practice"}, "time_limit_minutes": 60,
                 "pass_mark": {"percent": 60},
                 "draws": [{"types": ["marc_task"], "count": tasks, "points": 20}]}
    if band_points is not None:
        section_b["expert_review"] = {"types": ["marc_task"], "band_points": band_points}
    return {"code": code, "title": {"zh": "小试卷", "en": "Tiny paper"}, "scope": scope, "level": 3,
            "eligibility": eligibility, "review": {"show": "score_only"},
            "sections": [
                {"code": "A", "title": {"zh": "理论", "en": "Theory"}, "time_limit_minutes": 30,
                 "pass_mark": {"percent": 50},
                 "draws": [{"types": ["single"], "count": objective, "points": 2},
                           {"types": ["truefalse"], "count": objective, "points": 2}]},
                section_b]}


def write_blueprint(data: dict, directory: Path | None = None) -> Path:
    directory = Path(directory or tempfile.mkdtemp(prefix="bianmu-bp-"))
    (directory / f"{data['code']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return directory


def gen_round(blueprint: dict | str | None = None, *, code: str | None = None, status: str = "open",
              seats: int | None = None, sittings_open: bool = True, created_by=None) -> ExamRound:
    """A round on a tiny blueprint (dict, written to a temporary directory) or a shipped one (code),
    with registration open and a sitting of every section open now, for a day."""
    blueprint = tiny_blueprint() if blueprint is None else blueprint
    if isinstance(blueprint, dict):
        row = papers.stored_blueprint(blueprint["code"], write_blueprint(blueprint))
    else:
        row = papers.stored_blueprint(blueprint)
    now = utcnow()
    n = next(_seq)
    r = ExamRound(code=code or f"T-{n}", title_zh=f"测试第{n}期", title_en=f"Test round {n}", blueprint=row,
                  scope=row.scope, level=row.level, status=status, seats=seats,
                  registration_opens_at=now - timedelta(days=1), registration_closes_at=now + timedelta(days=1),
                  created_by_id=getattr(created_by, "id", None))
    db.session.add(r)
    start, end = (now - timedelta(minutes=5), now + timedelta(days=1)) if sittings_open else \
        (now + timedelta(days=2), now + timedelta(days=3))
    for section in papers.section_codes(row):
        db.session.add(Sitting(round=r, section=section, opens_at=start, closes_at=end))
    db.session.commit()
    return r


def right_answer(item):
    v = item.version
    if v.question.type == "marc_task":
        return {"mrk": v.key["references"][0]}
    if v.question.type == "fill":
        return v.key["answer"][0]
    return v.key["answer"]


def wrong_answer(item):
    kind = item.version.question.type
    return {"single": "D", "multiple": ["D"], "truefalse": False, "fill": "x",
            "marc_task": {"mrk": "=LDR  00000nam0\\2200000\\\\\\450\\\n=200  1\\$a错"}}[kind]


def sit(user, reg, section: str, answer=right_answer, now=None):
    """Start, answer every item with `answer(item)` (None leaves it blank), and submit."""
    from app.certification import attempts

    a = attempts.start_or_resume(user, reg, section, now=now)
    for item in a.items:
        response = answer(item)
        if response is not None:
            attempts.save(user, a.id, a.live_token, item.position, response, 1, now=now)
    return attempts.submit(user, a.id, a.live_token, now=now)


def close_sittings(r: ExamRound) -> None:
    """Move the round's sittings into the past, so results may be released."""
    past = utcnow() - timedelta(minutes=1)
    for s in r.sittings:
        s.opens_at, s.closes_at = min(s.opens_at, past - timedelta(hours=1)), past
    db.session.commit()
