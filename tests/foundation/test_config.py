import pytest

from app import create_app
from app.config import ConfigError


@pytest.mark.parametrize("key", ["", "dev", "changeme", "short-but-not-empty"])
def test_refuses_to_start_without_a_real_secret_key(monkeypatch, key, tmp_path):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_starts_with_a_real_secret_key_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("COOKIE_SECURE", raising=False)
    monkeypatch.setenv("SECRET_KEY", "a" * 20 + "b" * 20)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_debug_generates_a_throwaway_key(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert len(app.config["SECRET_KEY"]) >= 32


def test_database_url_spellings(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_create_app_touches_no_database(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/never.db"})
    assert not (tmp_path / "never.db").exists()


@pytest.mark.parametrize("value", ["1", "0", "-64", "lots", "6.5"])
def test_refuses_a_sqlite_cache_that_is_not_a_size(monkeypatch, value, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("SQLITE_CACHE_MB", value)
    with pytest.raises(ConfigError, match="SQLITE_CACHE_MB"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_each_sqlite_connection_has_the_cache_asked_for(monkeypatch, tmp_path):
    import sqlalchemy as sa

    from app.core import sqlite
    from app.extensions import db

    monkeypatch.setitem(sqlite._cache, "kib", sqlite._cache["kib"])  # the tests' own value comes back after
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.delenv("SQLITE_CACHE_MB", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/default.db"})
    with app.app_context():
        assert db.session.scalar(sa.text("PRAGMA cache_size")) == -64 * 1024
        db.engine.dispose()
    monkeypatch.setenv("SQLITE_CACHE_MB", "8")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/small.db"})
    with app.app_context():
        assert db.session.scalar(sa.text("PRAGMA cache_size")) == -8 * 1024
        db.engine.dispose()


def test_a_new_sqlite_database_gets_8k_pages_and_an_existing_one_keeps_its_own(monkeypatch, tmp_path):
    import sqlite3

    import sqlalchemy as sa

    from app.extensions import db

    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    old = sqlite3.connect(tmp_path / "old.db")  # made elsewhere, with SQLite's own 4 KB pages
    old.execute("CREATE TABLE t (x)")
    old.commit()
    old.close()
    for name, pages in (("new.db", 8192), ("old.db", 4096)):
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/{name}"})
        with app.app_context():
            db.session.execute(sa.text("CREATE TABLE IF NOT EXISTS u (y)"))
            db.session.commit()
            assert db.session.scalar(sa.text("PRAGMA page_size")) == pages
            assert db.session.scalar(sa.text("PRAGMA journal_mode")) == "wal"
            db.engine.dispose()


@pytest.mark.parametrize("value,ok", [("CN-BIANMU", True), ("DLC", True), ("", True), ("bad code", False),
                                      ("X", False), ("http://example.org", False)])
def test_the_centres_organization_code_must_be_a_marc_code(monkeypatch, tmp_path, value, ok):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("CATALOGUE_ORG_CODE", value)
    if ok:
        assert create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}).config["CATALOGUE_ORG_CODE"] == value
    else:
        with pytest.raises(ConfigError, match="CATALOGUE_ORG_CODE"):
            create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
