"""Migrations that rewrite stored data: run down and up again over a catalogue with records in it,
they must leave exactly what the application itself writes."""
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.catalog import services
from app.catalog.models import RecordKey
from app.catalog.search import Term, backend
from app.extensions import db
from tests.catalog.records import cnmarc_book, marc21_book


def _subject_keys():
    return sorted(db.session.execute(sa.select(RecordKey.record_id, RecordKey.value)
                                     .where(RecordKey.kind == "subject")).all())


def _vectors():
    if db.engine.dialect.name != "postgresql":
        return []
    return db.session.execute(sa.text("SELECT record_id, title::text, everything::text FROM record_search "
                                      "ORDER BY record_id")).all()


def _fts_texts():
    if db.engine.dialect.name != "sqlite":
        return []
    return db.session.execute(sa.text("SELECT rowid, title, everything FROM record_fts ORDER BY rowid")).all()


def _copies():
    """PostgreSQL: each full-text row's copy of its record's columns, beside the record's own."""
    if db.engine.dialect.name != "postgresql":
        return [], []
    names = "status, kind, year, database, material, level, format"
    return (db.session.execute(sa.text(f"SELECT record_id, {names} FROM record_search ORDER BY record_id")).all(),
            db.session.execute(sa.text(f"SELECT id, {names} FROM records ORDER BY id")).all())


def test_subject_keys_and_character_pairs_are_added_to_existing_records(ctx):
    rows = [services.create(None, cnmarc_book("中国经济发展报告", subject="经济发展")),
            services.create(None, marc21_book("Zebra economics", subject="Zebras.")),
            services.create(None, cnmarc_book("编目", subject="文献编目"))]
    db.session.commit()
    econ = rows[0].id
    keys, vectors, texts = _subject_keys(), _vectors(), _fts_texts()
    assert {v for _, v in keys} == {"经济发展", "zebras", "文献编目"}

    db.session.remove()  # the migrations take locks this session's reads would hold
    downgrade(revision="a7b2c0de0007")  # as a catalogue loaded before both revisions
    db.session.remove()
    assert _subject_keys() == []
    if db.engine.dialect.name == "postgresql":
        assert _vectors() != vectors and "'经济'" not in _vectors()[0][1]
    else:
        assert _fts_texts() != texts and " 经济 " not in _fts_texts()[0][2] + " "
        assert "经 济" in _fts_texts()[0][2]
    db.session.remove()
    upgrade()
    db.session.remove()
    assert _subject_keys() == keys
    assert _vectors() == vectors
    assert _fts_texts() == texts
    copies, records = _copies()
    assert copies == records and (len(copies) == 3 or db.engine.dialect.name != "postgresql")
    assert set(backend().search(Term("title", "经济"), facets=()).ids) == {econ}


def test_the_language_of_records_already_there_is_filled_in(ctx):
    rows = [services.create(None, cnmarc_book("语种迁移")), services.create(None, marc21_book("Sprache", lang="ger"))]
    db.session.commit()
    ids = [r.id for r in rows]

    def languages():
        return db.session.execute(sa.text("SELECT language FROM records ORDER BY id")).scalars().all()

    def indexes():  # by name, as the database lists them: expression indexes included
        sql = ("SELECT indexname FROM pg_indexes WHERE tablename = 'records'" if db.engine.dialect.name == "postgresql"
               else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records'")
        return sorted(db.session.execute(sa.text(sql)).scalars())

    assert languages() == ["chi", "ger"]
    before = indexes()
    assert "ix_records_scan_title" in before and "ix_records_id_language" in before
    db.session.remove()
    downgrade(revision="a7r8c0de0023")
    db.session.remove()
    assert "language" not in {c["name"] for c in sa.inspect(db.engine).get_columns("records")}
    assert indexes() == sorted(set(before) - {"ix_records_id_language"})  # SRU scan's expression indexes kept
    upgrade()
    db.session.remove()
    assert languages() == ["chi", "ger"] and indexes() == before
    assert set(backend().search(Term("language", "ger"), facets=()).ids) == {ids[1]}


def test_texts_holding_kana_punctuation_are_written_again(ctx):
    """・ was a token on PostgreSQL only (SQLite's tokenizer splits at punctuation): records holding it
    get the texts the application writes now, on both engines the same phrase."""
    tom = services.create(None, marc21_book("トム・ソーヤーの冒険", lang="jpn"))
    services.create(None, marc21_book("Tom Sawyer"))  # no mark: left as it is
    db.session.commit()
    tom_id = tom.id
    texts, vectors = _fts_texts(), _vectors()
    phrase = Term("title", "トムソーヤー")
    assert set(backend().search(phrase, facets=()).ids) == {tom.id}
    old = "ト ム ・ ソ ー ヤ ー の 冒 険"  # the title as the tokenizer gave it before
    if db.engine.dialect.name == "postgresql":
        from app.catalog.search.postgres import tsvector_literal
        db.session.execute(sa.text("UPDATE record_search SET title = CAST(:v AS tsvector) WHERE record_id = :id"),
                           {"v": tsvector_literal(old), "id": tom.id})
        db.session.commit()
        assert backend().search(phrase, facets=()).ids == []  # the dot stood between ム and ソ
    else:
        db.session.execute(sa.text("UPDATE record_fts SET title = :v WHERE rowid = :id"),
                           {"v": old + " トム ム・ ・ソ ソー ーヤ ヤー ーの の冒 冒険", "id": tom.id})
        db.session.commit()
    assert _fts_texts() != texts or _vectors() != vectors
    db.session.remove()
    downgrade(revision="a7s9c0de0024")
    upgrade()
    db.session.remove()
    assert _fts_texts() == texts and _vectors() == vectors
    assert set(backend().search(phrase, facets=()).ids) == {tom_id}
