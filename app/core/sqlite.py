"""SQLite needs a few pragmas to behave like the production database on the things we rely on."""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.config import SQLITE_CACHE_MB, ConfigError

# Each connection's page cache, in KiB (configure). SQLite's default, 2 MB, holds a sliver of what a
# search reads at a million records: the covering index every hit is looked up in (ix_records_search,
# some 40 MB) and the full text's pages. With 64 MB the statement finding 6,526 titles with 法律 and
# ranking them took 30 ms instead of 40 (docs/catalogue.md). Memory grows with use, up to this much per
# pooled connection.
_cache = {"kib": SQLITE_CACHE_MB * 1024}
PAGE_SIZE = 8192


def _pragmas(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        # Only a new, empty database takes it (before WAL is set, which writes the file's header);
        # an existing one keeps the page size it was made with. 8 KB instead of SQLite's 4: the
        # database is 6 % smaller at a million records, and a load's main process, whose writes are
        # mostly the full-text index's, spent about a tenth less CPU in process (docs/benchmarks.md).
        cur.execute(f"PRAGMA page_size={PAGE_SIZE}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL still never corrupts the database; a power cut may lose the last commits.
        cur.execute("PRAGMA synchronous=NORMAL")
        # A bulk load lets the log grow to some 400 MB before copying it (catalog.load_settings); once
        # copied, the next write that starts it again cuts the file back, whichever connection it is.
        cur.execute("PRAGMA journal_size_limit=67108864")
        cur.execute(f"PRAGMA cache_size=-{int(_cache['kib'])}")
        cur.close()


def configure(app: Flask) -> None:
    megabytes = app.config["SQLITE_CACHE_MB"]
    if not isinstance(megabytes, int) or megabytes < 2:
        raise ConfigError(f"SQLITE_CACHE_MB must be a whole number of megabytes, at least 2 (not {megabytes!r}).")
    _cache["kib"] = megabytes * 1024
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and not event.contains(
        Engine, "connect", _pragmas
    ):
        event.listen(Engine, "connect", _pragmas)
