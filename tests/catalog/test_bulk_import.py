"""What the importer's fast paths must keep: the same stored bytes, the same index text, and each
row's id with its own record."""
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymarc import Field, Leader, Record as MarcRecord, Subfield

from app.catalog import bulk
from app.catalog.extract import Extract
from app.catalog.importing import SEARCHED_TABLES, Importer, refresh_statistics
from app.catalog.indexing import to_json
from app.catalog.models import Record, RecordKey, RecordVersion
from app.catalog.search import backend, texts_for
from app.catalog.tokens import index_text
from app.extensions import db
from tests.catalog.tsvectors import as_postgresql_reads_it

MARC = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "marc"

# Any text a record may hold: control characters, quotes, backslashes, U+2028, astral characters.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


def _record(values: list[str]) -> MarcRecord:
    marc = MarcRecord(leader=Leader("00000nam a2200000 a 4500"))
    marc.add_field(Field(tag="001", data=values[0]))
    for i, value in enumerate(values[1:]):
        marc.add_field(Field(tag="245", indicators=[str(i % 10), " "], subfields=[Subfield("a", value)]))
    return marc


def _standard(marc: MarcRecord) -> str:
    return json.dumps(marc.as_dict(), ensure_ascii=False, separators=(",", ":"))


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=6))
def test_marc_in_json_has_the_bytes_the_standard_library_writes(values):
    # The content hash of a stored record is a hash of this text: a record loaded again must hash the same.
    marc = _record(values)
    assert to_json(marc) == _standard(marc)


def test_text_orjson_refuses_is_written_as_the_standard_library_writes_it():
    marc = _record(["1", "a lone surrogate \ud800 in a title"])
    assert to_json(marc) == _standard(marc)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=4), st.lists(st.text(max_size=20), max_size=4), TEXT, TEXT)
def test_index_text_of_the_pieces_is_that_of_the_whole(names, subjects, title, author):
    ex = Extract(classification=None, control_number=None, title=title, author=author, names=names,
                 subjects=subjects, publisher=author, notes=[title])
    texts = texts_for(ex)
    assert texts["everything"] == index_text(" ".join(p for p in ex.everything_parts if p))
    assert texts["author"] == index_text(" ".join([author, *names]))
    assert texts["subject"] == index_text(" ".join(subjects))
    assert texts["title"] == index_text(title)


def test_index_text_of_nothing_and_of_a_fullwidth_truncation_mark():
    # The folding turns ＊ (U+FF0A) into *, which then ends a word: the index keeps the word alone.
    assert index_text(None) == "" and index_text("") == ""
    assert index_text("Catalog＊ing 编目＊") == "catalog ing 编 目"
    assert index_text("catalog* rules") == "catalog rules"


def _consistent():
    """Every record's version 1, keys and index row belong to it, not to a neighbour. A loaded
    version 1 leaves its MARC to the record while it is current: it has none of its own then."""
    versions = db.session.execute(sa.select(Record.id, Record.version, Record.marc, RecordVersion.version,
                                            RecordVersion.marc).join(RecordVersion)).all()
    assert len({rid for rid, *_ in versions}) == db.session.scalar(sa.select(sa.func.count(Record.id)))
    firsts = [rid for rid, _, _, number, _ in versions if number == 1]
    assert len(firsts) == len(set(firsts)) == len({rid for rid, *_ in versions})
    for rid, current, marc, number, own in versions:
        if number == current:
            assert own is None or own == marc, rid
        else:
            assert own is not None, rid
    titles = dict(db.session.execute(sa.select(Record.id, Record.title)).all())
    if db.engine.dialect.name == "postgresql":
        from app.catalog.search.postgres import tsvector_literal

        for rid, title in titles.items():
            same = db.session.scalar(
                sa.text("SELECT title = CAST(:v AS tsvector) FROM record_search WHERE record_id = :id"),
                {"v": tsvector_literal(index_text(title)), "id": rid})
            assert same, (rid, title)
    else:
        # a bulk load gives FTS5 ASCII text as it is, for its tokenizer to split (search.sqlite.fts5_text)
        indexed = dict(db.session.execute(sa.text("SELECT rowid, title FROM record_fts")).all())
        assert {rid: index_text(text) for rid, text in indexed.items()} == \
            {rid: index_text(title) for rid, title in titles.items()}


def test_new_rows_get_their_own_ids_after_the_newest_record_was_deleted(ctx):
    Importer(workers=2, batch_size=50).run(MARC / "marc21/evergreen_jazz_1k.mrc")
    newest = db.session.scalar(sa.select(sa.func.max(Record.id)))
    for table in (RecordKey.__table__, RecordVersion.__table__):
        db.session.execute(table.delete().where(table.c.record_id == newest))
    backend().unindex(newest)
    db.session.execute(sa.delete(Record).where(Record.id == newest))
    db.session.commit()
    stats = Importer(workers=1, batch_size=50).run(MARC / "marc21/evergreen_jazz_1k.mrc")
    assert (stats.added, stats.unchanged) == (1, 999)
    _consistent()
    isbns = db.session.execute(sa.select(RecordKey.record_id, RecordKey.value).where(RecordKey.kind == "isbn")).all()
    marc_of = dict(db.session.execute(sa.select(Record.id, Record.marc)).all())
    digits = [(rid, value) for rid, value in isbns if value[3:12] not in marc_of[rid].replace("-", "")]
    assert digits == []


def test_bulk_rows_are_bound_as_the_engine_binds_them(ctx, monkeypatch):
    """A datetime written in bulk is stored as the ORM stores one (on SQLite: text with its six
    fractional digits, also for a whole second), and reads back as the same aware UTC time."""
    import datetime as dt

    from app.catalog import importing

    whole = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.timezone.utc)
    monkeypatch.setattr(importing, "utcnow", lambda: whole)
    Importer(workers=1, batch_size=100).run(MARC / "marc21/evergreen_jazz_1k.mrc")
    loaded = db.session.scalars(sa.select(Record).limit(1)).one()
    assert (loaded.created_at, loaded.updated_at) == (whole, whole)
    assert db.session.scalar(sa.select(RecordVersion.diff).where(RecordVersion.record_id == loaded.id)) == []
    if db.engine.dialect.name == "sqlite":
        raw = {db.session.scalar(sa.text(f"SELECT {c} FROM {t} WHERE {k} = :id"), {"id": loaded.id})
               for t, c, k in (("records", "created_at", "id"), ("records", "updated_at", "id"),
                               ("record_versions", "created_at", "record_id"))}
        assert raw == {"2026-03-01 08:30:00.000000"}


def test_ids_that_are_not_the_rows_are_refused(ctx):
    Importer(workers=1).run(MARC / "marc21/evergreen_jazz_1k.mrc")
    ids = db.session.scalars(sa.select(Record.id).order_by(Record.id).limit(2)).all()
    keys = db.session.scalars(sa.select(Record.source_key).order_by(Record.id).limit(2)).all()
    bulk._check_ids(Record.__table__, ["source_key"], [(keys[0],), (keys[1],)], ids)
    with pytest.raises(RuntimeError, match="consecutive"):
        bulk._check_ids(Record.__table__, ["source_key"], [(keys[1],), (keys[0],)], ids)


def _plain_vector_literal(tokens):
    """The straightforward form of postgres.vector_literal, which is written for speed: each token
    once, with its positions (the first 256, as PostgreSQL keeps)."""
    from app.catalog.search.postgres import MAX_POSITION
    from app.catalog.tokens import is_cjk

    positions, previous = {}, None
    for i, tok in enumerate(tokens, start=1):
        positions.setdefault(tok, []).append(min(i, MAX_POSITION))
        if is_cjk(tok) and previous is not None:
            positions.setdefault(previous + tok, []).append(min(i - 1, MAX_POSITION))
        previous = tok if is_cjk(tok) else None
    quoted = {t: "'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in positions}
    return " ".join(f"{quoted[t]}:{','.join(map(str, sorted(p)[:256]))}" for t, p in positions.items())


VECTOR_TOKENS = st.lists(st.sampled_from(["学", "中", "国", "a", "o'neil", "back\\slash", "x", "中国", "ｱ"]),
                         max_size=300)


@settings(max_examples=300, deadline=None)
@given(VECTOR_TOKENS, st.integers(0, 3))
def test_vector_literal_is_the_plain_one(tokens, long):
    from app.catalog.search.postgres import MAX_POSITION, _merged_literal, tsvector_literal, vector_literal

    if long == 3:  # past the last position PostgreSQL keeps: every later token is at MAX_POSITION
        tokens = [f"w{i}" for i in range(MAX_POSITION - 2)] + tokens
    plain = as_postgresql_reads_it(_plain_vector_literal(tokens))
    assert as_postgresql_reads_it(vector_literal(tokens)) == plain
    assert as_postgresql_reads_it(tsvector_literal(" ".join(tokens))) == plain
    assert as_postgresql_reads_it(_merged_literal(tokens)) == plain  # a very long text's


def test_a_very_long_text_is_a_vector_postgresql_takes(ctx):
    """Its literal with every occurrence written would pass PostgreSQL's 1 MB of lexemes."""
    from app.catalog.search.postgres import MERGE_ABOVE, tsvector_literal

    text = " ".join("学中国史论文经法理新化电书教人技"[i % 16] for i in range(120_000))  # 1.08 MB written out
    assert len(text) > MERGE_ABOVE
    literal = tsvector_literal(text)
    assert as_postgresql_reads_it(literal) == as_postgresql_reads_it(_plain_vector_literal(text.split()))
    if db.engine.dialect.name == "postgresql":
        assert db.session.scalar(sa.text("SELECT length(CAST(:v AS tsvector))"), {"v": literal}) == 16 + 16


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=VECTOR_TOKENS, long=st.integers(0, 3))
def test_postgresql_stores_the_vector_of_the_plain_literal(ctx, tokens, long):
    """The literal with a repeated token at each of its positions is the same vector to PostgreSQL."""
    if db.engine.dialect.name != "postgresql":
        return
    from app.catalog.search.postgres import MAX_POSITION, tsvector_literal

    if long == 3:
        tokens = [f"w{i}" for i in range(MAX_POSITION - 2)] + tokens
    assert db.session.scalar(sa.text("SELECT CAST(:a AS tsvector) = CAST(:b AS tsvector)"),
                             {"a": tsvector_literal(" ".join(tokens)), "b": _plain_vector_literal(tokens)})


def _a_load_that_fails(monkeypatch) -> None:
    """A load whose first batch cannot be written (the disk is full, say)."""
    def broken(self, fresh):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Importer, "_insert", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        Importer(workers=1).run(MARC / "marc21/evergreen_jazz_1k.mrc")


def test_a_load_has_its_own_database_settings_and_leaves_them_as_they_were(ctx, monkeypatch):
    """load_settings: during a load SQLite's connection caches the indexes' busy pages and copies
    its log into the database rarely; afterwards the connection is as it was, with the log copied,
    also when the load fails. PostgreSQL loads with the server's own settings."""
    from app.catalog import load_settings

    sqlite = db.engine.dialect.name == "sqlite"
    names = ("cache_size", "wal_autocheckpoint") if sqlite else ("synchronous_commit",)

    def settings():
        word = "PRAGMA" if sqlite else "SHOW"
        values = tuple(db.session.execute(sa.text(f"{word} {name}")).scalar() for name in names)
        return (*values, load_settings.fts_automerge()) if sqlite else values

    before = settings()
    seen = []
    insert = Importer._insert

    def watched(self, fresh):
        seen.append(settings())
        return insert(self, fresh)

    monkeypatch.setattr(Importer, "_insert", watched)
    Importer(workers=2, batch_size=200).run(MARC / "marc21/evergreen_jazz_1k.mrc")
    during = (-1024 * load_settings.BULK_CACHE_MB, load_settings.BULK_WAL_PAGES,
              load_settings.BULK_FTS_AUTOMERGE) if sqlite else before
    assert len(seen) == 5 and set(seen) == {during}
    assert settings() == before
    if sqlite:
        assert before != during
        busy, frames, copied = db.session.execute(sa.text("PRAGMA wal_checkpoint(PASSIVE)")).one()
        assert frames == copied  # nothing of the load left in the log only

    _a_load_that_fails(monkeypatch)
    assert settings() == before
    if sqlite:  # a value set before the load is the one it gets back
        load_settings.set_fts_automerge(6)
        db.session.commit()
        _a_load_that_fails(monkeypatch)
        assert load_settings.fts_automerge() == 6


def test_every_connection_a_load_ran_on_gets_its_settings_back(ctx, monkeypatch):
    """The session may be handed another pooled connection after each commit; SQLite's settings
    belong to a connection, so each one a batch ran on must get its own back (load_settings.Load)."""
    from app.catalog import load_settings

    if db.engine.dialect.name != "sqlite":  # PostgreSQL: the load sets nothing on a connection
        return
    with db.engine.connect() as a, db.engine.connect() as b, db.engine.connect() as c:
        before = {x.exec_driver_sql("PRAGMA cache_size").scalar() for x in (a, b, c)}
        assert -1024 * load_settings.BULK_CACHE_MB not in before
    ran_on = set()
    insert = Importer._insert

    def watched(self, fresh):
        ran_on.add(id(db.session.connection().connection.dbapi_connection))
        return insert(self, fresh)

    monkeypatch.setattr(Importer, "_insert", watched)
    db.session.remove()
    Importer(workers=1, batch_size=100).run(MARC / "marc21/evergreen_jazz_1k.mrc")
    assert len(ran_on) > 1  # the pool did hand the load several connections
    with db.engine.connect() as a, db.engine.connect() as b, db.engine.connect() as c:
        after = [(x.exec_driver_sql("PRAGMA cache_size").scalar(),
                  x.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()) for x in (a, b, c)]
    assert all(cache in before and pages != load_settings.BULK_WAL_PAGES for cache, pages in after)


def test_a_load_keeps_the_garbage_collector_out_of_its_way_and_gives_it_back(ctx, monkeypatch):
    """importing.few_collections: during a load the objects made before it are frozen and the
    collector runs less often; afterwards both are as they were, also when the load fails."""
    import gc

    from app.catalog import importing

    def _gc_state():  # frozen or not: a process frozen before (a server's settle) stays frozen
        return gc.get_threshold(), gc.get_freeze_count() > 0

    before = _gc_state()
    seen = []
    insert = Importer._insert

    def watched(self, fresh):
        seen.append((gc.get_threshold(), gc.get_freeze_count() > 0))
        return insert(self, fresh)

    monkeypatch.setattr(Importer, "_insert", watched)
    Importer(workers=1, batch_size=500).run(MARC / "marc21/evergreen_jazz_1k.mrc")
    assert seen and set(seen) == {(importing.LOAD_GC_THRESHOLD, True)}
    assert _gc_state() == before

    _a_load_that_fails(monkeypatch)
    assert _gc_state() == before


def _pairs_as_defined(text: str) -> str:
    """tokens.with_pairs as its docstring defines it, token by token."""
    from app.catalog.tokens import is_cjk

    toks = text.split()
    pairs = [a + b for a, b in zip(toks, toks[1:]) if len(a) == 1 and len(b) == 1 and is_cjk(a) and is_cjk(b)]
    return text + " " + " ".join(pairs) if pairs else text


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from(list("中国人学 a1éZ\u3000\t\x1f𠀀*")), max_size=30))
def test_cjk_pairs_found_by_one_expression_are_the_pairs_token_by_token(text):
    from app.catalog.tokens import with_pairs

    assert with_pairs(text) == _pairs_as_defined(text)
    assert with_pairs(index_text(text)) == _pairs_as_defined(index_text(text))


def test_statistics_after_a_large_load_cover_every_table_once(ctx):
    """PostgreSQL: the searched tables vacuumed and analysed (each on its own connection, side by
    side), the others analysed; SQLite: every table analysed."""
    Importer(workers=1, batch_size=500).run(MARC / "marc21/evergreen_jazz_1k.mrc")
    postgresql = db.engine.dialect.name == "postgresql"
    # the statistics outlive the tests' emptied tables: only those gathered from here on count
    before = db.session.scalar(sa.text("SELECT clock_timestamp()")) if postgresql else None
    if not postgresql and db.session.scalar(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")):
        db.session.execute(sa.text("DELETE FROM sqlite_stat1"))
    db.session.commit()
    refresh_statistics()
    db.session.commit()  # a new snapshot of the statistics
    if postgresql:
        stats = {name: (vacuumed, analysed) for name, vacuumed, analysed in db.session.execute(sa.text(
            "SELECT relname, last_vacuum, last_analyze FROM pg_stat_user_tables"))}

        def since(stamp):
            return stamp is not None and stamp >= before

        for table in SEARCHED_TABLES:
            assert since(stats[table][0]) and since(stats[table][1]), table
        assert since(stats["record_versions"][1]) and since(stats["users"][1])
        assert not since(stats["record_versions"][0])  # vacuumed only where a search needs it
    else:
        analysed = set(db.session.scalars(sa.text("SELECT tbl FROM sqlite_stat1")))
        assert {"records", "record_keys", "record_versions"} <= analysed


def test_among_finds_a_batchs_values_with_one_parameter(ctx):
    Importer(workers=1, batch_size=500).run(MARC / "marc21/evergreen_jazz_1k.mrc")
    rows = db.session.execute(sa.select(Record.id, Record.source_key).order_by(Record.id)).all()
    dialect = db.engine.dialect.name
    by_key = sa.select(Record.id).where(bulk.among(Record.source_key, "keys", dialect)).order_by(Record.id)
    wanted = rows[::7]
    assert db.session.scalars(by_key, {"keys": [k for _, k in wanted] + ["no such key", "o'brien"]}).all() == \
        [i for i, _ in wanted]
    assert db.session.scalars(by_key, {"keys": []}).all() == []
    by_id = sa.select(Record.source_key).where(bulk.among(Record.id, "ids", dialect)).order_by(Record.id)
    assert db.session.scalars(by_id, {"ids": [i for i, _ in wanted]}).all() == [k for _, k in wanted]
    if dialect == "postgresql":  # one parameter, whatever the batch's size
        compiled = str(by_key.compile(dialect=db.engine.dialect))
        assert "ANY" in compiled and compiled.count("%(") == 1


@pytest.mark.parametrize("workers", [2, 3])
def test_the_pools_batches_are_written_in_file_order(ctx, tmp_path, workers):
    """Whichever worker prepared a batch, a record changed later in the file ends as its later version."""
    import copy

    from pymarc import MARCReader

    with open(MARC / "marc21/evergreen_jazz_1k.mrc", "rb") as fh:
        records = [r for r in MARCReader(fh, to_unicode=True, force_utf8=True) if r is not None][:300]
    changed = [copy.deepcopy(marc) for marc in records[:120]]
    for again in changed:
        again["245"]["a"] = "Changed later in the file"
    # Each change two batches after its record, within the reach of a batch written out of turn.
    order = [r for i in range(0, 120, 20) for r in records[i:i + 20] + changed[i:i + 20]] + records[120:]
    path = tmp_path / "twice.mrc"
    path.write_bytes(b"".join(r.as_marc() for r in order))
    stats = Importer(workers=workers, batch_size=10).run(path)
    assert (stats.read, stats.added, stats.updated) == (420, 300, 120)
    titles = db.session.scalars(sa.select(Record.title).order_by(Record.id)).all()
    assert all(t.startswith("Changed later") for t in titles[:120]) and not any(
        t.startswith("Changed later") for t in titles[120:])
    _consistent()
