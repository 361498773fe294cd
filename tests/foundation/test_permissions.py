from datetime import timedelta

import pytest

from app import permissions as p
from app.accounts import roles
from app.accounts.models import AuditEntry
from app.core.errors import DomainError, PermissionDenied
from app.core.types import utcnow
from app.extensions import db
from tests.factories import gen_library, gen_user


def test_rules_combine(ctx):
    lib = gen_library()
    trainer = gen_user("cataloguer", "trainer", library=lib)
    expert = gen_user(("expert", "quality"))
    assert (p.TRAINER | p.EXPERT)(trainer) and (p.TRAINER | p.EXPERT)(expert)
    assert not (p.TRAINER & p.EXPERT)(trainer)
    assert (~p.EXPERT)(trainer) and not (~p.EXPERT)(expert)
    assert p.QUALITY_CONTROL(expert) and not p.CONSULTATION_PANEL(expert)
    assert "trainer" in (p.TRAINER | p.EXPERT).name


def test_anonymous_and_disabled_users_pass_nothing_but_anyone(ctx):
    from flask_login import AnonymousUserMixin

    anon = AnonymousUserMixin()
    assert p.ANYONE(anon) and not p.SIGNED_IN(anon) and not p.CENTRE_ADMIN(anon)
    admin = gen_user("centre_admin")
    admin.disabled_at = utcnow()
    assert not p.CENTRE_ADMIN(admin) and not p.SIGNED_IN(admin)


def test_certification_scope_and_level(ctx):
    lib = gen_library()
    l3 = gen_user("cataloguer", ("certified", "chinese", 3), library=lib)
    l2 = gen_user("cataloguer", ("certified", "chinese", 2), library=lib)
    assert p.certified_for("chinese")(l3) and p.certified_for("chinese")(l2)
    assert not p.certified_for("chinese", level=2)(l3) and p.certified_for("chinese", level=2)(l2)
    assert not p.certified_for("western")(l3)
    # the scope may come from the object being acted on
    rule = p.certified_for(lambda record: record["language"])
    assert rule(l3, {"language": "chinese"}) and not rule(l3, {"language": "russian"})


def test_certification_needs_an_active_member_library(ctx):
    lib = gen_library()
    user = gen_user("cataloguer", ("certified", "western", 3), library=lib)
    assert p.certified_for("western")(user)
    lib.disabled_at = utcnow()
    db.session.commit()
    assert not p.certified_for("western")(user) and not p.CATALOGUER(user)


def test_expired_and_revoked_grants_give_nothing(ctx):
    lib = gen_library()
    user = gen_user("cataloguer", library=lib)
    g = roles.grant(None, user, "certified", "passed", scope="chinese", level=3,
                    expires_at=utcnow() + timedelta(seconds=30))
    assert p.certified_for("chinese")(user)
    g.expires_at = utcnow() - timedelta(seconds=1)
    assert not p.certified_for("chinese")(user)
    g.expires_at = None
    roles.revoke(None, g, "withdrawn after review")
    assert not p.certified_for("chinese")(user)


def test_library_admin_manages_only_own_library(ctx):
    lib, other = gen_library(), gen_library()
    la = gen_user("cataloguer", "library_admin", library=lib)
    mine, theirs = gen_user("cataloguer", library=lib), gen_user("cataloguer", library=other)
    assert p.MANAGE_LIBRARY_PEOPLE(la, lib) and p.MANAGE_LIBRARY_PEOPLE(la, mine)
    assert not p.MANAGE_LIBRARY_PEOPLE(la, other) and not p.MANAGE_LIBRARY_PEOPLE(la, theirs)
    assert p.may_grant(la, "cataloguer", mine) and not p.may_grant(la, "certified", mine)
    assert not p.may_grant(la, "cataloguer", theirs)
    with pytest.raises(PermissionDenied):
        roles.grant(la, mine, "centre_admin", "promotion")
    with pytest.raises(PermissionDenied):
        roles.grant(la, theirs, "library_admin", "helping out")


def test_every_grant_and_revocation_is_audited_with_its_reason(ctx):
    admin = gen_user("centre_admin")
    lib = gen_library()
    user = gen_user("cataloguer", library=lib)
    with pytest.raises(DomainError):
        roles.grant(admin, user, "trainer", reason=" ")
    g = roles.grant(admin, user, "trainer", reason="teaches CNMARC")
    roles.revoke(admin, g, "moved to another post")
    entries = db.session.query(AuditEntry).filter(AuditEntry.subject_id == user.id,
                                                  AuditEntry.action.like("role.%")).all()
    by_action = {e.action: e for e in entries if e.details.get("role") == "trainer"}
    assert by_action["role.granted"].reason == "teaches CNMARC" and by_action["role.granted"].actor_id == admin.id
    assert by_action["role.revoked"].reason == "moved to another post"
    assert g.revoked_at is not None and g.revoked_by_id == admin.id  # kept, not deleted


@pytest.mark.parametrize("role,scope,level", [
    ("certified", None, 3), ("certified", "chinese", None), ("certified", "klingon", 3),
    ("expert", None, None), ("trainer", "chinese", None), ("wizard", None, None),
])
def test_grant_shapes_are_checked(ctx, role, scope, level):
    user = gen_user("cataloguer", library=gen_library())
    with pytest.raises(DomainError):
        roles.grant(None, user, role, "x", scope=scope, level=level)


def test_library_roles_need_a_library(ctx):
    user = gen_user()
    with pytest.raises(DomainError):
        roles.grant(None, user, "certified", "x", scope="chinese", level=3)


def test_grant_is_not_duplicated(ctx):
    user = gen_user("cataloguer", library=gen_library())
    a = roles.grant(None, user, "trainer", "x")
    b = roles.grant(None, user, "trainer", "again")
    assert a.id == b.id


def test_require_raises(ctx):
    user = gen_user()
    with pytest.raises(PermissionDenied):
        p.require(p.CENTRE_ADMIN, user)
    p.require(p.SIGNED_IN, user)
