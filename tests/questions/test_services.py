"""The bank's rules: whole-or-nothing import, versions that never change, review by a second person."""
from copy import deepcopy
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.models import AuditEntry
from app.core.errors import DomainError, PermissionDenied
from app.extensions import db
from app.questions import services
from app.questions.bankfiles import ItemSpec
from app.questions.models import Question, QuestionVersion, current_versions_query


def single(code="cnmarc-901", text="CNMARC 中题名与责任说明在哪个字段？", answer="A", **kw) -> ItemSpec:
    spec = dict(code=code, type="single", category="cnmarc", language_group="chinese", difficulty=1,
                tags=["200"], points=Decimal(2),
                content={"text": text, "text_en": None,
                         "choices": [{"key": "A", "text": "200", "text_en": None},
                                     {"key": "B", "text": "210", "text_en": None},
                                     {"key": "C", "text": "215", "text_en": None}]},
                key={"answer": answer, "explanation": "200 字段", "explanation_en": None, "source": "CNMARC 200"},
                source_path="objective/cnmarc.yaml")
    spec.update(kw)
    return ItemSpec(**spec)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_is_idempotent(ctx):
    specs = [single(), single("cnmarc-902", text="第二题")]
    first = services.import_specs(None, specs)
    assert (len(first.added), len(first.new_versions), len(first.unchanged)) == (2, 0, 0)
    second = services.import_specs(None, deepcopy(specs))
    assert (len(second.added), len(second.new_versions), len(second.unchanged)) == (0, 0, 2)
    assert _count(QuestionVersion) == 2
    v = db.session.scalar(select(QuestionVersion))
    assert v.status == "approved" and v.question.origin == "bank" and v.reviewed_at is not None


def test_changed_item_gets_a_new_version_and_the_old_one_stays(ctx):
    services.import_specs(None, [single()])
    old = db.session.scalar(select(QuestionVersion))
    old_id, old_content, old_hash = old.id, deepcopy(old.content), old.content_hash
    result = services.import_specs(None, [single(text="改过的题干")])
    assert result.new_versions == ["cnmarc-901"]
    db.session.expire_all()
    q = db.session.scalar(select(Question))
    assert [v.number for v in q.versions] == [1, 2]
    first = db.session.get(QuestionVersion, old_id)
    assert first.content == old_content and first.content_hash == old_hash and first.status == "approved"
    assert q.current.number == 2 and q.current.content["text"] == "改过的题干"
    current = db.session.scalars(current_versions_query()).all()
    assert [v.number for v in current] == [2]


def test_a_bad_item_aborts_the_whole_import(ctx):
    services.import_specs(None, [single()])
    bad = single("cnmarc-903", answer="Z")
    with pytest.raises(services.ItemProblems) as err:
        services.import_specs(None, [single(text="新题干"), single("cnmarc-904"), bad])
    assert "cnmarc-903" in err.value.message
    db.session.rollback()
    assert _count(Question) == 1 and _count(QuestionVersion) == 1


def test_dry_run_writes_nothing(ctx):
    result = services.import_specs(None, [single()], dry_run=True)
    assert result.added == ["cnmarc-901"] and result.dry_run
    assert _count(Question) == 0


def test_a_code_never_changes_type(ctx):
    services.import_specs(None, [single()])
    spec = single(type="truefalse", content={"text": "对吗？", "text_en": None},
                  key={"answer": True, "explanation": "", "explanation_en": None, "source": ""})
    with pytest.raises(services.ItemProblems, match="cnmarc-901"):
        services.import_specs(None, [spec])


def test_web_imports_wait_for_review(ctx, gen):
    trainer = gen.gen_user("trainer")
    result = services.import_specs(trainer, [single()], origin="gift")
    assert result.added == ["cnmarc-901"]
    v = db.session.scalar(select(QuestionVersion))
    assert v.status == "in_review" and v.question.origin == "gift"
    with pytest.raises(PermissionDenied):
        services.approve(trainer, v)  # the importer is the author
    services.approve(gen.gen_user(("expert", "quality")), v)
    assert v.status == "approved"


def _new(author, **kw):
    spec = single()
    args = dict(type="single", category="cnmarc", language_group="chinese", difficulty=1, tags=["200"],
                content=spec.content, key=spec.key)
    args.update(kw)
    return services.create_question(author, **args)


def test_authoring_edit_creates_a_version_and_keeps_the_old(ctx, gen):
    author = gen.gen_user("trainer")
    q = _new(author)
    assert q.code == "cnmarc-w001" and q.latest.status == "draft" and q.origin == "web"
    content = deepcopy(q.latest.content)
    content["text"] = "修改后的题干"
    v2 = services.edit_question(author, q, content=content, key=q.latest.key)
    assert v2.number == 2 and v2.status == "draft"
    assert q.versions[0].content["text"] != "修改后的题干"
    assert services.edit_question(author, q, content=content, key=q.latest.key) is None  # nothing changed
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("question.%"))).all()
    assert actions == ["question.created", "question.edited"]


def test_author_cannot_approve_own_and_rejection_needs_a_note(ctx, gen):
    author, reviewer = gen.gen_user("trainer"), gen.gen_user(("expert", "consultation"))
    q = _new(author)
    v = q.latest
    with pytest.raises(DomainError):
        services.approve(reviewer, v)  # still a draft
    services.submit_for_review(author, v)
    assert v.status == "in_review"
    with pytest.raises(PermissionDenied):
        services.approve(author, v)
    with pytest.raises(DomainError) as err:
        services.reject(reviewer, v, "  ")
    assert err.value.field == "note"
    services.reject(reviewer, v, "选项 B 也可以算对")
    assert v.status == "rejected" and v.review_note == "选项 B 也可以算对" and v.reviewed_by_id == reviewer.id
    assert q.current is None
    content = deepcopy(v.content)
    content["choices"][1]["text"] = "2XX"
    v2 = services.edit_question(author, q, content=content, key=v.key)
    services.submit_for_review(author, v2)
    services.approve(reviewer, v2, "好")
    assert q.current.number == 2
    assert db.session.scalars(current_versions_query()).all() == [v2]


def test_only_trainers_and_experts_author(ctx, gen):
    lib = gen.gen_library()
    cataloguer = gen.gen_user("cataloguer", ("certified", "chinese", 3), library=lib)
    with pytest.raises(PermissionDenied):
        _new(cataloguer)
    with pytest.raises(PermissionDenied):
        services.import_specs(cataloguer, [single()], origin="gift")
    with pytest.raises(PermissionDenied):
        services.search(cataloguer)
    assert _count(Question) == 0


def test_checker_problems_refuse_a_question(ctx, gen):
    spec = single(answer="Z")
    with pytest.raises(services.ItemProblems) as err:
        _new(gen.gen_user("trainer"), key=spec.key)
    assert any("answer" in p for p in err.value.problems)


def test_retire_and_search(ctx, gen):
    author = gen.gen_user("trainer")
    services.import_specs(None, [single(), single("cnmarc-902", text="另一道关于载体形态的题")])
    assert services.search(author, text="载体形态").total == 1
    assert services.search(author, text="cnmarc-90").total == 2
    q = db.session.scalar(select(Question).where(Question.code == "cnmarc-902"))
    services.retire(author, q, "过时")
    assert services.search(author).total == 1 and services.search(author, retired=True).total == 1
    assert len(db.session.scalars(current_versions_query()).all()) == 1
    services.unretire(author, q)
    assert services.search(author, status="approved").total == 2


def test_export_current_versions(ctx, gen):
    services.import_specs(None, [single(), single("cnmarc-902", text="第二题")])
    text, n = services.export(gen.gen_user("trainer"), "gift", codes=["cnmarc-902"])
    assert n == 1 and "第二题" in text and "题名与责任说明" not in text
