"""A search filters on a record's status, kind and year as they are now, whatever changed them.

PostgreSQL answers most searches from the full-text row alone, which holds copies of these columns
kept in step by triggers (migration a7h8c0de0013); SQLite reads them from the records index. The
same questions on both engines: a record leaving the catalogue must stop being found at once.
"""
import sqlalchemy as sa

from app.catalog import services
from app.catalog.models import Record, RecordKey
from app.catalog.search import Term, backend
from app.catalog.views.opac import PUBLIC
from app.extensions import db
from tests.catalog.records import cnmarc_book

WORD = Term("title", "鸬鹚")


def _found(node=WORD, **kw):
    return set(backend().search(node, per_page=100, facets=(), base_filter=PUBLIC, **kw).ids)


def test_a_record_leaving_the_catalogue_is_not_found_at_once(ctx):
    kept = services.create(None, cnmarc_book("鸬鹚的生活", year=2001))
    gone = services.create(None, cnmarc_book("鸬鹚图鉴", year=2002))
    db.session.commit()
    assert _found() == {kept.id, gone.id}
    gone.status = "merged"  # as review.merge does: the row only, the text is not written again
    db.session.commit()
    assert _found() == {kept.id}
    assert _found(sort="date") == {kept.id}
    gone.status = "active"
    db.session.commit()
    assert _found() == {kept.id, gone.id}


def test_a_changed_year_is_filtered_on_at_once(ctx):
    row = services.create(None, cnmarc_book("鸬鹚的生活", year=2001))
    db.session.commit()
    in_2001 = sa.and_(PUBLIC, Record.year == 2001)
    assert set(backend().search(WORD, facets=(), base_filter=in_2001).ids) == {row.id}
    services.replace(None, row, cnmarc_book("鸬鹚的生活", year=1999))
    db.session.commit()
    assert set(backend().search(WORD, facets=(), base_filter=in_2001).ids) == set()
    in_1999 = sa.and_(PUBLIC, Record.year == 1999)
    assert set(backend().search(WORD, facets=(), base_filter=in_1999).ids) == {row.id}


def test_postgresql_answers_from_the_full_text_row_when_it_can(ctx):
    if db.engine.dialect.name != "postgresql":
        return
    text = backend().lower(WORD)
    alone, _ = backend().driven(text, [PUBLIC, Record.year >= 2000, Record.id.in_(sa.select(Record.id))],
                                Record.id, Record.year, hits_only=True)
    sql = str(alone.compile(dialect=db.engine.dialect))
    head = " ".join(sql.split()).split(" WHERE ")[0]
    assert head == "SELECT record_search.record_id, record_search.year FROM record_search", sql
    assert "record_search.status" in sql and "record_search.year >=" in sql
    assert "(SELECT records.id" in sql  # a sub-query keeps its own FROM
    joined, _ = backend().driven(text, [PUBLIC, Record.title == "x"], Record.id, hits_only=True)
    assert "JOIN records" in str(joined.compile(dialect=db.engine.dialect))  # title is not copied
    copies = db.session.execute(sa.text("SELECT record_id, status, kind, year, database, material, level, format "
                                        "FROM record_search ORDER BY record_id")).all()
    rows = db.session.execute(sa.select(Record.id, Record.status, Record.kind, Record.year, Record.database,
                                        Record.material, Record.level, Record.format).order_by(Record.id)).all()
    assert [tuple(r) for r in copies] == [tuple(r) for r in rows]


CLASS = Term("clc", "Q95*")


def test_a_record_leaving_the_catalogue_is_not_found_by_its_class_at_once(ctx):
    kept = services.create(None, cnmarc_book("鸟类的生活", year=2001, clc="Q959.7"))
    gone = services.create(None, cnmarc_book("鸟类图鉴", year=2002, clc="Q959.8"))
    db.session.commit()
    assert _found(CLASS) == _found(CLASS, sort="date") == {kept.id, gone.id}
    gone.status = "merged"
    db.session.commit()
    assert _found(CLASS) == _found(CLASS, sort="date") == {kept.id}
    gone.status, gone.year = "active", 1999
    db.session.commit()
    assert _found(CLASS, sort="date") == {kept.id, gone.id}
    in_1999 = sa.and_(PUBLIC, Record.year == 1999)
    assert set(backend().search(CLASS, facets=(), base_filter=in_1999).ids) == {gone.id}


def _key_copies_in_step():
    copies = db.session.execute(sa.text(
        "SELECT record_id, kind, value, record_status, record_kind, record_year, record_database, record_material "
        "FROM record_keys ORDER BY record_id, kind, value")).all()
    rows = db.session.execute(sa.select(RecordKey.record_id, RecordKey.kind, RecordKey.value, Record.status,
                                        Record.kind, Record.year, Record.database, Record.material)
                              .join(Record, Record.id == RecordKey.record_id)
                              .order_by(RecordKey.record_id, RecordKey.kind, RecordKey.value)).all()
    assert copies and [tuple(r) for r in copies] == [tuple(r) for r in rows]


def test_postgresql_answers_a_class_search_from_the_key_index_alone(ctx):
    """A class number's beginning with the OPAC's filter and years reads record_keys alone: its rows
    carry copies of the record's status, kind, year, database and material (migration a7n4c0de0019),
    in step however the record or its keys were written: one by one, by the importer, by a change."""
    if db.engine.dialect.name != "postgresql":
        return
    from app.catalog.importing import Importer
    from tests.catalog.test_bulk_import import MARC

    Importer(workers=1, batch_size=50).run(MARC / "marc21/evergreen_jazz_1k.mrc")
    row = services.create(None, cnmarc_book("鸟类的生活", year=2001, clc="Q959.7"))
    db.session.commit()
    _key_copies_in_step()
    services.replace(None, row, cnmarc_book("鸟类的生活", year=1999, clc="Q959.9"))
    some = db.session.scalars(sa.select(Record).where(Record.kind == "bibliographic").limit(5)).all()
    for r in some:
        r.status, r.database, r.material = "review", "other", "serial"
    db.session.commit()
    _key_copies_in_step()

    b = backend()
    key, years = b.condition(CLASS), Record.year >= 1990
    alone, order = b.driven(None, [sa.and_(key, years), PUBLIC], Record.id, Record.year, Record.database,
                            hits_only=True)
    sql = " ".join(str(alone.compile(dialect=db.engine.dialect)).split())
    assert sql.startswith("SELECT DISTINCT record_keys.record_id, record_keys.record_year, "
                          "record_keys.record_database FROM record_keys WHERE"), sql
    assert "records" not in sql.replace("record_keys", "")
    assert order.table is RecordKey.__table__
    isbn = b.condition(Term("isbn", "9787501344413"))
    assert b.key_driven([isbn, PUBLIC], (Record.id,)) is None  # one key value: the plain path is as fast
    assert b.key_driven([b.condition(Term("clc", "Q9*")), PUBLIC], (Record.id,)) is not None
    assert b.key_driven([key, Record.level == "full"], (Record.id,)) is None  # level is not copied
    assert b.key_driven([key], (Record.id, Record.title)) is None  # nor is the title
    assert b.key_driven([key, isbn], (Record.id,)) is None  # a second key: a sub-query on record_keys


def test_postgresql_asks_its_planner_only_where_a_search_without_text_may_be_broad(ctx):
    if db.engine.dialect.name != "postgresql":
        return
    b = backend()
    plans = []

    def record(conn, cursor, statement, *args):
        plans.extend([statement] if statement.startswith("EXPLAIN") else [])

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        for node in (Term("isbn", "9787501344413"), Term("clc", "Q959.7"), CLASS, Term("year", "2000", ">")):
            b.search(node, facets=(), base_filter=PUBLIC)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len(plans) == 2  # the class number's beginning and the years, not the exact keys
