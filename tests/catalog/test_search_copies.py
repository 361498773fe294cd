"""A search filters on a record's status, kind and year as they are now, whatever changed them.

PostgreSQL answers most searches from the full-text row alone, which holds copies of these columns
kept in step by triggers (migration a7h8c0de0013); SQLite reads them from the records index. The
same questions on both engines: a record leaving the catalogue must stop being found at once.
"""
import sqlalchemy as sa

from app.catalog import services
from app.catalog.models import Record
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
