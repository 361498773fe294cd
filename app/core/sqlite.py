"""SQLite needs a few pragmas to behave like the production database on the things we rely on."""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def _pragmas(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL still never corrupts the database; a power cut may lose the last commits.
        cur.execute("PRAGMA synchronous=NORMAL")
        # A bulk load lets the log grow to some 400 MB before copying it (catalog.load_settings); once
        # copied, the next write that starts it again cuts the file back, whichever connection it is.
        cur.execute("PRAGMA journal_size_limit=67108864")
        cur.close()


def configure(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and not event.contains(
        Engine, "connect", _pragmas
    ):
        event.listen(Engine, "connect", _pragmas)
