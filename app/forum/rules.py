"""Who may do what in the forum, and what each user may see.

Moderators are the experts (both panels) and the centre's administrators; there is no separate
moderator role to hand out.
"""
from __future__ import annotations

from app.permissions import CATALOGUER, CENTRE_ADMIN, EXPERT, SIGNED_IN, TRAINER, MemberOfActiveLibrary

# Signed-in members of active libraries, trainers, experts and the centre's administrators.
POST = (CATALOGUER | MemberOfActiveLibrary() | TRAINER | EXPERT | CENTRE_ADMIN).named("forum_post")
MODERATE = (EXPERT | CENTRE_ADMIN).named("forum_moderate")
REPORT = SIGNED_IN


def is_moderator(user) -> bool:
    return MODERATE(user)


def can_read_board(user, board) -> bool:
    return not board.members_only or bool(getattr(user, "is_authenticated", False))


def can_read_topic(user, topic) -> bool:
    if not can_read_board(user, topic.board):
        return False
    return topic.deleted_at is None or is_moderator(user)


def can_see_post(user, post) -> bool:
    return can_read_topic(user, post.topic) and (post.visible or is_moderator(user))


def can_reply(user, topic) -> bool:
    if not POST(user) or topic.deleted_at is not None:
        return False
    return not topic.locked or is_moderator(user)


def can_edit(user, post) -> bool:
    if is_moderator(user):
        return True
    return (POST(user) and post.author_id == getattr(user, "id", None) and post.visible
            and not post.topic.locked and post.topic.deleted_at is None)


def can_accept(user, topic) -> bool:
    """The asker or an expert, on a Q&A board."""
    if not topic.board.is_qa or topic.deleted_at is not None:
        return False
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return topic.author_id == user.id or EXPERT(user)
