from sqlalchemy import func, select

from app.accounts.models import ROLES, User
from app.demo.cli import seed
from app.extensions import db
from app.members.models import Centre, Library, Region


def test_demo_seed_is_believable_and_idempotent(ctx):
    first = seed()
    second = seed()
    assert second == {"regions": first["regions"], "libraries": 0, "users": 0}
    assert db.session.scalar(select(func.count()).select_from(Library).where(Library.status == "active")) >= 30
    assert db.session.scalar(select(func.count()).select_from(Region)) >= 6
    assert db.session.scalar(select(func.count()).select_from(Centre).where(Centre.kind == "regional")) >= 6
    held = {g.role for u in db.session.scalars(select(User)) for g in u.active_grants}
    assert held == set(ROLES)
    for status in ("registered", "agreed", "submitted"):
        assert db.session.scalar(select(Library).where(Library.status == status)) is not None


def test_every_demo_login_signs_in(ctx):
    from app.demo import data

    seed()
    from tests.conftest import IsolatedClient

    ctx.test_client_class = IsolatedClient
    client = ctx.test_client()
    for email, *_ in data.USERS:
        resp = client.post("/account/login", data={"email": email, "password": data.DEMO_PASSWORD})
        assert resp.status_code == 302, email
        client.post("/account/logout")


def test_cli_create_admin_and_grant(ctx):
    runner = ctx.test_cli_runner()
    ok = runner.invoke(args=["accounts", "create-admin", "--email", "Boss@Example.cn", "--name", "Boss",
                             "--password", "Strong-pass-1"])
    assert ok.exit_code == 0, ok.output
    boss = db.session.scalar(select(User).where(User.email == "boss@example.cn"))
    assert [g.role for g in boss.active_grants] == ["centre_admin"] and boss.is_active
    again = runner.invoke(args=["accounts", "create-admin", "--email", "boss@example.cn", "--name", "B",
                                "--password", "Strong-pass-1"])
    assert again.exit_code == 2 and again.stderr.startswith("error: ") and again.stderr.count("\n") == 1
    assert "Traceback" not in again.output
    weak = runner.invoke(args=["accounts", "create-admin", "--email", "x@example.cn", "--name", "X",
                               "--password", "short"])
    assert weak.exit_code == 2 and db.session.scalar(select(User).where(User.email == "x@example.cn")) is None
    bad = runner.invoke(args=["accounts", "grant", "nobody@example.cn", "trainer", "--reason", "x"])
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


def test_demo_seed_once(ctx):
    runner = ctx.test_cli_runner()
    assert "added" in runner.invoke(args=["demo", "seed", "--once"]).output
    assert "nothing done" in runner.invoke(args=["demo", "seed", "--once"]).output


def test_mail_smtp_backend_sends_and_records_failures(ctx, monkeypatch):
    from app import mail
    from app.mail.models import OutboxMessage

    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            self.host = host

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            if message["To"] == "broken@example.cn":
                raise OSError("connection refused")
            sent.append(message)

    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    ctx.config["MAIL_BACKEND"] = "smtp"
    try:
        mail.queue("ok@example.cn", "主题", "正文", kind="test")
        mail.queue("broken@example.cn", "主题", "正文", kind="test")
        db.session.commit()
        assert mail.deliver_pending() == 1
    finally:
        ctx.config["MAIL_BACKEND"] = "outbox"
    assert [m["To"] for m in sent] == ["ok@example.cn"] and sent[0]["Subject"] == "主题"
    broken = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "broken@example.cn"))
    assert broken.sent_at is None and broken.attempts == 1 and "refused" in broken.last_error
