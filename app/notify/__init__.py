"""In-site notifications shared by the forum, the consultation desk and others.

Usage from another feature: `from app.notify.services import notify` and call
`notify(user, kind, text, link)` inside your own transaction (it only adds; the caller commits).
"""
