"""A large load sets the random-order indexes aside and builds them again: after it the catalogue
has every index it had, defined as before, also when the load fails or was killed."""
import os
import socket
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.catalog import load_indexes
from app.catalog.cli import catalog_group
from app.catalog.importing import Importer
from app.catalog.load_indexes import DEFERRABLE, FOREIGN_KEYS, deferred, pending, restore, set_aside, should_defer
from app.catalog.models import DeferredIndex, Record
from app.catalog.search import backend
from app.catalog.search.query import Term
from app.extensions import db

MARC = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "marc"
JAZZ = MARC / "marc21/evergreen_jazz_1k.mrc"


def _indexes() -> dict[str, str]:
    """Every index of the catalogue's tables, by name, with its definition (and on PostgreSQL every
    foreign key)."""
    if db.engine.dialect.name == "postgresql":
        sql = ("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() UNION ALL "
               "SELECT conname, CAST(conrelid AS regclass) || ': ' || pg_get_constraintdef(oid) "
               "FROM pg_constraint WHERE contype = 'f'")
    else:
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
    return dict(db.session.execute(sa.text(sql)).all())


@pytest.fixture
def indexes(ctx):
    """The indexes as the migrations left them; whatever a test set aside is built again after it."""
    before = _indexes()
    yield before
    db.session.rollback()
    restore(force=True)
    assert _indexes() == before


def _dead_owner() -> str:
    return f"{socket.gethostname()}:{2 ** 22 + 12345}"  # above Linux's largest pid: never running


def _isbn_hits(isbn13: str) -> int:
    return backend().search(Term("isbn", isbn13)).total


def test_a_deferred_load_builds_every_index_again_as_it_was(indexes):
    expected = [n for n in DEFERRABLE if n in indexes]
    # three SRU scan indexes, the record keys and PostgreSQL's text index, in two (SQLite's text is
    # FTS5's); on PostgreSQL also the foreign keys of a record's keys, version and text row
    postgresql = db.engine.dialect.name == "postgresql"
    assert len(expected) == (6 if postgresql else 4)
    expected += [n for n in FOREIGN_KEYS if postgresql]
    assert all(n in indexes for n in expected)
    with deferred(True) as names:
        assert names == expected
        during = _indexes()
        assert not set(names) & set(during)
        assert set(indexes) - set(during) == set(names)  # nothing else dropped
        assert {r.name for r in pending()} == set(names)
        for r in pending():
            if r.name in FOREIGN_KEYS:  # as PostgreSQL gives it: ALTER TABLE … ADD CONSTRAINT … <its definition>
                table, definition = indexes[r.name].split(": ", 1)
                assert r.definition == f"ALTER TABLE {table} ADD CONSTRAINT {r.name} {definition}"
            else:
                assert r.definition == indexes[r.name]
        Importer(workers=2, batch_size=200).run(JAZZ)
    assert _indexes() == indexes
    assert pending() == []
    isbn = db.session.scalar(sa.select(sa.text("value")).select_from(sa.text("record_keys"))
                             .where(sa.text("kind = 'isbn'")).limit(1))
    assert _isbn_hits(isbn) >= 1  # the rebuilt key index holds the loaded records' keys


def _answers(client) -> tuple:
    """What searches and SRU scan answer: an ISBN, a title word, a class prefix; scanned titles and subjects."""
    from tests.catalog.test_sru import scan, terms

    isbn = db.session.scalar(sa.select(sa.text("min(value)")).select_from(sa.text("record_keys"))
                             .where(sa.text("kind = 'isbn'")))
    found = tuple(backend().search(term).total for term in (Term("isbn", isbn), Term("title", "jazz"),
                                                            Term("lcc", "ML*")))
    scanned = tuple(tuple(terms(scan(client, clause))) for clause in ('dc.title=""', 'dc.subject="jazz"'))
    return found, scanned


def test_searches_answer_the_same_while_the_indexes_are_set_aside(indexes, client):
    """docs/catalogue.md: meanwhile searches still answer, only more slowly."""
    with deferred(True) as names:
        assert names
        Importer(workers=1).run(JAZZ)
        during = _answers(client)
    after = _answers(client)
    assert during == after
    found, scanned = after
    assert all(found) and all(scanned)  # each of them finds something: the comparison is not of nothing


def test_a_failed_load_builds_them_again_too(indexes, monkeypatch):
    def broken(self, fresh):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Importer, "_insert", broken)
    with pytest.raises(RuntimeError, match="disk full"), deferred(True) as names:
        assert names
        Importer(workers=1).run(JAZZ)
    assert _indexes() == indexes and pending() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Record)) == 0


def test_a_killed_load_leaves_a_note_and_the_next_one_builds_them(indexes):
    names = set_aside(_dead_owner())
    assert names and {r.name for r in pending()} == set(names)
    assert set_aside() == []  # set aside already: another load leaves them to the one that did it
    assert {r.name for r in pending()} == set(names)
    assert set(restore()) == set(names)  # its owner is gone: built by whoever comes next
    assert _indexes() == indexes and pending() == []


FIRST = datetime(2000, 1, 1, tzinfo=timezone.utc)


def test_an_index_that_cannot_be_built_keeps_its_note_and_the_others_are_built(indexes):
    """PostgreSQL builds each table's on a connection of its own, side by side; SQLite in turn."""
    names = set_aside(_dead_owner())
    table = "public.records" if db.engine.dialect.name == "postgresql" else "records"
    db.session.add(DeferredIndex(name="ix_records_broken", owner=_dead_owner(), deferred_at=FIRST,  # tried first
                                 definition=f"CREATE INDEX ix_records_broken ON {table} USING btree (no_such_column)"
                                 if db.engine.dialect.name == "postgresql" else
                                 "CREATE INDEX ix_records_broken ON records (no_such_column)"))
    db.session.commit()
    built = []
    with pytest.raises(sa.exc.DBAPIError, match="no_such_column"):
        restore(progress=built.append)
    assert sorted(built) == sorted([*names, "ix_records_broken"])  # every one was tried
    assert [r.name for r in pending()] == ["ix_records_broken"]
    during = _indexes()
    assert set(names) <= set(during) and "ix_records_broken" not in during
    db.session.execute(sa.delete(DeferredIndex))
    db.session.commit()
    assert _indexes() == indexes


def test_postgresql_checks_a_foreign_key_set_aside_when_it_adds_it_back(indexes):
    if db.engine.dialect.name != "postgresql":
        return
    names = set_aside(_dead_owner())
    assert "fk_record_versions_record_id_records" in names
    orphan = sa.text("INSERT INTO record_versions (record_id, version, action, diff, created_at) "
                     "VALUES (999999, 1, 'import', '[]', now())")
    db.session.execute(orphan)  # no such record: written only while the check is set aside
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError, match="fk_record_versions_record_id_records"):
        restore()
    assert [r.name for r in pending()] == ["fk_record_versions_record_id_records"]
    db.session.execute(sa.text("DELETE FROM record_versions WHERE record_id = 999999"))
    db.session.commit()
    assert restore() == ["fk_record_versions_record_id_records"]
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(orphan)
    db.session.rollback()


def test_postgresql_builds_the_text_indexes_first_and_the_foreign_keys_after_every_index(indexes, monkeypatch):
    """The two GIN builds are the longest: the two lanes take them first. A foreign key's check
    waits for any index build on its tables, so the keys come after."""
    if db.engine.dialect.name != "postgresql":
        return
    names = set_aside(_dead_owner())
    order, keys = load_indexes._schedule([(r.name, r.definition) for r in pending()])
    got = [name for name, _ in order]
    assert got[:2] == ["ix_record_search_anywhere", "ix_record_search_fields"]  # the text index's two halves
    size = sa.text("SELECT pg_total_relation_size(CAST(:t AS regclass))")
    sizes = [db.session.scalar(size, {"t": load_indexes._table(d)}) for _, d in order[2:]]
    assert sorted(got[2:]) == sorted(n for n in DEFERRABLE if "search" not in n)
    assert sizes == sorted(sizes, reverse=True)  # then the B-trees, the largest table's first
    assert sorted(name for name, _ in keys) == sorted(FOREIGN_KEYS)
    odd = ("ix_odd", "CREATE INDEX ix_odd ON nowhere_to_be_seen")  # no table it can name: still built, last
    assert load_indexes._schedule([odd, *order]) == ([*order, odd], [])
    events, build_each = [], load_indexes._build_each

    def watched(items, build, progress):
        events.append(("begins", [n for n, _ in items]))
        try:
            if items[0][0] == order[-1][0]:
                time.sleep(0.3)  # the last index built slowly: a key begun in the free lane meanwhile is seen
            return build_each(items, build, progress)
        finally:
            events.append(("ends", [n for n, _ in items]))

    monkeypatch.setattr(load_indexes, "_build_each", watched)
    assert set(restore()) == set(names)
    first_key = next(i for i, (what, items) in enumerate(events) if what == "begins" and items[0] in FOREIGN_KEYS)
    index_ends = [i for i, (what, items) in enumerate(events) if what == "ends" and items[0] not in FOREIGN_KEYS]
    assert len(index_ends) == len(order) and max(index_ends) < first_key  # every index built before any key


def test_the_indexes_of_a_load_still_running_are_left_to_it(indexes):
    running = f"{socket.gethostname()}:{os.getpid()}"
    elsewhere = "another-host:1"
    for who in (running, elsewhere):
        names = set_aside(who)
        assert names
        assert restore() == [] and {r.name for r in pending()} == set(names)
        assert set(restore(force=True)) == set(names)
        assert _indexes() == indexes


def test_auto_defers_for_a_load_at_least_the_catalogues_size(ctx, monkeypatch):
    big = load_indexes.AUTO_MIN_RECORDS * load_indexes.BYTES_PER_RECORD
    assert should_defer("auto", big) is True  # an empty catalogue
    assert should_defer("auto", big - 1) is False  # too small to be worth building them again
    assert should_defer("keep", 10 * big) is False
    assert should_defer("defer", 1) is True
    monkeypatch.setattr(load_indexes, "AUTO_MIN_RECORDS", 1)
    Importer(workers=1).run(JAZZ)  # 1,000 records
    assert should_defer("auto", 1_000 * load_indexes.BYTES_PER_RECORD) is True
    assert should_defer("auto", 999 * load_indexes.BYTES_PER_RECORD) is False
    with pytest.raises(ValueError):
        should_defer("sometimes", big)


def test_import_command_sets_aside_builds_and_mends_a_killed_load(indexes, ctx, tmp_path):
    runner = ctx.test_cli_runner()
    set_aside(_dead_owner())  # a load killed outright
    result = runner.invoke(catalog_group, ["import", str(JAZZ), "--indexes", "defer",
                                           "--rejects", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 0, result.output
    assert "left set aside by a load that did not finish" in result.output
    assert "indexes set aside until the load ends: ix_records_scan_title" in result.output
    assert "read 1000, added 1000" in result.output
    assert _indexes() == indexes and pending() == []
    result = runner.invoke(catalog_group, ["import", str(JAZZ), "--rejects", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 0 and "set aside" not in result.output  # auto: a small load keeps them


def test_restore_indexes_command(indexes, ctx):
    runner = ctx.test_cli_runner()
    names = set_aside("another-host:1")
    result = runner.invoke(catalog_group, ["restore-indexes"])
    assert result.exit_code == 0
    assert f"built 0 index(es); {len(names)} still set aside by a running load (another-host:1)" in result.output
    result = runner.invoke(catalog_group, ["restore-indexes", "--force"])
    assert result.exit_code == 0 and f"built {len(names)} index(es)" in result.output
    assert _indexes() == indexes and db.session.scalar(sa.select(sa.func.count()).select_from(DeferredIndex)) == 0


def _fts_segments() -> int:
    return db.session.scalar(sa.text("SELECT count(DISTINCT segid) FROM record_fts_idx"))


def test_a_large_load_leaves_the_full_text_index_in_one_piece(indexes, ctx, tmp_path):
    """A load that set the indexes aside merges FTS5's segments (one a batch) into one at its end,
    and so does a reindex (SearchBackend.compact); a small load leaves them to FTS5's own merging."""
    sqlite = db.engine.dialect.name == "sqlite"
    runner = ctx.test_cli_runner()
    args = ["import", str(JAZZ), "--batch-size", "100", "--rejects", str(tmp_path / "r.jsonl")]
    result = runner.invoke(catalog_group, [*args, "--indexes", "defer"])
    assert result.exit_code == 0 and "merging the full-text index" in result.output
    assert "added 1000" in result.output
    assert not sqlite or _fts_segments() == 1
    assert backend().search(Term("keyword", "jazz")).total > 0
    result = runner.invoke(catalog_group, ["reindex", "--batch-size", "100"])
    assert result.exit_code == 0 and "reindexed 1000 records" in result.output
    assert not sqlite or _fts_segments() == 1
    assert backend().search(Term("keyword", "jazz")).total > 0
    result = runner.invoke(catalog_group, [*args, "--indexes", "keep"])
    assert result.exit_code == 0 and "merging" not in result.output


def _statistics_of(names) -> set[str]:
    """The indexes among `names` the planner has statistics of (PostgreSQL: an expression index's own)."""
    if db.engine.dialect.name == "postgresql":
        sql = ("SELECT DISTINCT c.relname FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid "
               "WHERE c.relname = ANY(:names)")
        return set(db.session.scalars(sa.text(sql), {"names": list(names)}))
    return set(db.session.scalars(sa.text("SELECT idx FROM sqlite_stat1 WHERE idx IN (SELECT value FROM json_each(:names))"),
                                  {"names": __import__("json").dumps(list(names))}))


def test_indexes_built_again_have_their_statistics_again(indexes):
    """Dropping an index drops its statistics; a load too small to analyse everything (a second run of
    the same file adds nothing) must not leave the planner without them."""
    Importer(workers=1).run(JAZZ)
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    postgresql = db.engine.dialect.name == "postgresql"
    watched = load_indexes.EXPRESSION_INDEXES if postgresql else [n for n in DEFERRABLE if n in indexes]
    assert _statistics_of(watched) == set(watched)
    with deferred(True):
        assert _statistics_of(watched) == set()
        stats = Importer(workers=1).run(JAZZ)
    assert stats.added == 0
    assert _statistics_of(watched) == set(watched)
