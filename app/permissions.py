"""Every right in the portal, as a named rule that can be combined with `&`, `|` and `~`.

A rule is asked `rule(user, target)` and answers True or False; `require` raises PermissionDenied.
Services call `require` (so the CLI and tests obey the same rules as the web), and views use
`permission_required`, so hiding a button is never the only protection.
Rights come from role grants (see accounts.models.ROLES), never from a column per right.
"""
from __future__ import annotations

from typing import Any, Callable

from app.core.errors import PermissionDenied


class Rule:
    name = "rule"

    def check(self, user, target: Any = None) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, user, target: Any = None) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return isinstance(self, Anyone)
        if not user.is_active:
            return False
        return self.check(user, target)

    def __and__(self, other: Rule) -> Rule:
        return AllOf(self, other)

    def __or__(self, other: Rule) -> Rule:
        return AnyOf(self, other)

    def __invert__(self) -> Rule:
        return Not(self)

    def named(self, name: str) -> Rule:
        self.name = name
        return self

    def __repr__(self) -> str:
        return f"<Rule {self.name}>"


class Anyone(Rule):
    name = "anyone"

    def check(self, user, target=None) -> bool:
        return True


class SignedIn(Rule):
    name = "signed_in"

    def check(self, user, target=None) -> bool:
        return True


class AllOf(Rule):
    def __init__(self, *rules: Rule):
        self.rules = rules
        self.name = " & ".join(r.name for r in rules)

    def check(self, user, target=None) -> bool:
        return all(r.check(user, target) for r in self.rules)


class AnyOf(Rule):
    def __init__(self, *rules: Rule):
        self.rules = rules
        self.name = " | ".join(r.name for r in rules)

    def check(self, user, target=None) -> bool:
        return any(r.check(user, target) for r in self.rules)


class Not(Rule):
    def __init__(self, rule: Rule):
        self.rule = rule
        self.name = f"~{rule.name}"

    def check(self, user, target=None) -> bool:
        return not self.rule.check(user, target)


class HasRole(Rule):
    """The user holds an active grant of `role` (with `scope`, and at least `level` if given).

    Level 2 is the higher certification: a level-2 holder also passes a level-3 check.
    """

    def __init__(self, role: str, scope: str | Callable[[Any], str | None] | None = None,
                 level: int | None = None):
        self.role, self.scope, self.level = role, scope, level
        self.name = role + (f"[{scope}]" if isinstance(scope, str) else "") + (f"≤L{level}" if level else "")

    def check(self, user, target=None) -> bool:
        scope = self.scope(target) if callable(self.scope) else self.scope
        for g in user.active_grants:
            if g.role != self.role:
                continue
            if scope is not None and g.scope != scope:
                continue
            if self.level is not None and (g.level is None or g.level > self.level):
                continue
            return True
        return False


class MemberOfActiveLibrary(Rule):
    """The user belongs to a member library whose membership is active."""

    name = "member"

    def check(self, user, target=None) -> bool:
        lib = user.library
        return lib is not None and lib.is_member


class OwnLibrary(Rule):
    """The target is the user's own library (or an object belonging to it)."""

    name = "own_library"

    def check(self, user, target=None) -> bool:
        if target is None or user.library_id is None:
            return False
        library_id = getattr(target, "library_id", None)
        if library_id is None and target.__class__.__name__ == "Library":
            library_id = target.id
        return library_id == user.library_id


class IsSelf(Rule):
    name = "self"

    def check(self, user, target=None) -> bool:
        return target is not None and getattr(target, "id", None) == user.id and target.__class__ is user.__class__


# --- The portal's named rights ----------------------------------------------------------------
ANYONE = Anyone()
SIGNED_IN = SignedIn()
CENTRE_ADMIN = HasRole("centre_admin").named("centre_admin")
TRAINER = HasRole("trainer").named("trainer")
EXPERT = HasRole("expert").named("expert")
QUALITY_CONTROL = HasRole("expert", scope="quality").named("quality_control")
CONSULTATION_PANEL = HasRole("expert", scope="consultation").named("consultation_panel")
LIBRARY_ADMIN = (HasRole("library_admin") & MemberOfActiveLibrary()).named("library_admin")
CATALOGUER = (HasRole("cataloguer") & MemberOfActiveLibrary()).named("cataloguer")


def certified_for(scope: str | Callable[[Any], str | None], level: int = 3) -> Rule:
    """Certified at `level` or better (2 is better than 3) for a language scope."""
    return (HasRole("certified", scope=scope, level=level) & MemberOfActiveLibrary()).named(
        f"certified[{scope if isinstance(scope, str) else '…'}]"
    )


MANAGE_LIBRARIES = CENTRE_ADMIN
MANAGE_ALL_USERS = CENTRE_ADMIN
VIEW_AUDIT_LOG = CENTRE_ADMIN
REVIEW_APPLICATIONS = CENTRE_ADMIN
# A library administrator manages the people of their own library, and nobody else's.
MANAGE_LIBRARY_PEOPLE = (CENTRE_ADMIN | (LIBRARY_ADMIN & OwnLibrary())).named("manage_library_people")
VIEW_LIBRARY = (CENTRE_ADMIN | OwnLibrary()).named("view_library")
ADMIN_AREA = (CENTRE_ADMIN | LIBRARY_ADMIN).named("admin_area")

# The union catalogue's MARC view and a record's history (its versions in MARC): members, as the
# centre does it, and the centre's own staff. Brief and detailed displays are for everyone.
MARC_VIEW = (CENTRE_ADMIN | EXPERT | MemberOfActiveLibrary()).named("marc_view")

# Certification exams.
MANAGE_EXAMS = CENTRE_ADMIN
REVIEW_EXAM_WORK = (EXPERT | CENTRE_ADMIN).named("review_exam_work")
SIT_EXAMS = CATALOGUER
# Any cataloguer of an active member library; trainers and experts may try the questions too.
PRACTISE = (CATALOGUER | MemberOfActiveLibrary() | TRAINER | EXPERT).named("practise")
# Writing and reviewing questions for the bank (a reviewer is never the version's author).
QUESTION_AUTHOR = (TRAINER | EXPERT).named("question_author")

# Who may grant which role. A library administrator hands out the everyday roles of their own
# library; certifications, the panels and the centre's own roles are the centre's decision.
LIBRARY_GRANTABLE = frozenset({"cataloguer", "library_admin"})


def may_grant(user, role: str, grantee) -> bool:
    if CENTRE_ADMIN(user):
        return True
    return role in LIBRARY_GRANTABLE and MANAGE_LIBRARY_PEOPLE(user, grantee)


def require(rule: Rule, user, target: Any = None, message: str | None = None) -> None:
    if not rule(user, target):
        raise PermissionDenied(message or f"not permitted: {rule.name}")
