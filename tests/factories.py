"""`gen_*` factories: the smallest valid objects, with keyword overrides. Each one commits."""
import itertools
import re
import secrets

from sqlalchemy import select

from app.accounts import roles
from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.core.types import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.members.models import STATUS_ACTIVE, Agreement, Centre, Library, Region

PASSWORD = "Correct-horse-42"
_seq = itertools.count(1)
_HASHES: dict[str, str] = {}


def _hash(password: str) -> str:
    # Argon2 is slow on purpose; hash each test password once per run.
    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    return _HASHES[password]


def gen_region(**kw) -> Region:
    n = next(_seq)
    region = Region(code=kw.pop("code", f"R{n}"), name_zh=kw.pop("name_zh", f"地区{n}"),
                    name_en=kw.pop("name_en", f"Region {n}"), **kw)
    db.session.add(region)
    db.session.commit()
    return region


def gen_centre(region=None, **kw) -> Centre:
    n = next(_seq)
    centre = Centre(code=kw.pop("code", f"C{n}"), kind=kw.pop("kind", "regional"),
                    name_zh=kw.pop("name_zh", f"中心{n}"), name_en=kw.pop("name_en", f"Centre {n}"),
                    region=region or gen_region(), **kw)
    db.session.add(centre)
    db.session.commit()
    return centre


def gen_library(**kw) -> Library:
    n = next(_seq)
    region = kw.pop("region", None) or gen_region()
    lib = Library(code=kw.pop("code", f"L{n}"), name_zh=kw.pop("name_zh", f"测试大学图书馆{n}"),
                  name_en=kw.pop("name_en", f"Test University Library {n}"), type=kw.pop("type", "academic"),
                  region=region, contact_name=kw.pop("contact_name", "联系人"),
                  contact_email=kw.pop("contact_email", f"lib{n}@example.cn"),
                  status=kw.pop("status", STATUS_ACTIVE), **kw)
    db.session.add(lib)
    db.session.commit()
    return lib


def gen_user(*grants, library=None, active=True, password=PASSWORD, **kw) -> User:
    """gen_user("cataloguer", ("certified", "chinese", 3), library=lib)"""
    n = next(_seq)
    user = User(email=kw.pop("email", f"user{n}@example.cn"), name=kw.pop("name", f"用户{n}"),
                library=library, password_hash=_hash(password) if password else None,
                activated_at=utcnow() if active else None, security_stamp=secrets.token_hex(16), **kw)
    db.session.add(user)
    db.session.flush()
    for g in grants:
        role, scope, level = (g, None, None) if isinstance(g, str) else (tuple(g) + (None, None))[:3]
        roles.grant(None, user, role, reason="test", scope=scope, level=level, commit=False)
    db.session.commit()
    return user


def gen_agreements() -> list[Agreement]:
    from datetime import date

    found = db.session.scalars(select(Agreement)).all()
    if found:
        return found
    items = [Agreement(kind=k, version="1.0", title_zh=f"{k}协议", title_en=f"{k} agreement", body="条款",
                       effective_from=date(2020, 1, 1)) for k in ("service", "union_catalogue")]
    db.session.add_all(items)
    db.session.commit()
    return items


def login(client, user_or_email, password=PASSWORD):
    email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
    return client.post("/account/login", data={"email": email, "password": password})


def outbox(recipient=None) -> list[OutboxMessage]:
    q = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        q = q.where(OutboxMessage.recipient == recipient)
    return db.session.scalars(q).all()


def link_in(message: OutboxMessage) -> str:
    """The path of the first link in an e-mail, ready for the test client."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)
