"""The forum: categories → boards → topics → posts, with moderation, reports, subscriptions,
unread tracking and search. See docs/forum.md."""
