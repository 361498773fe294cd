"""Authority control: headings, links from bibliographic records, browse, and widened name searches."""
from pymarc import Field, Leader, Record, Subfield
from sqlalchemy import select

from app.catalog import authorities, services
from app.catalog.models import Record as Row
from app.catalog.search import Term, backend
from app.catalog.workflow_models import AuthorityLink
from app.extensions import db
from tests.catalog.records import marc21_book


BIB = Row.kind == "bibliographic"


def _authority(heading, see=(), see_also=()):
    r = Record(leader=Leader("00000nz  a2200000n  4500"), force_utf8=True)
    r.add_field(Field(tag="008", data="021205n| acannaabn          |n anc     d"))
    r.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", heading)]))
    for s in see:
        r.add_field(Field(tag="400", indicators=["1", " "], subfields=[Subfield("a", s)]))
    for s in see_also:
        r.add_field(Field(tag="500", indicators=["1", " "], subfields=[Subfield("a", s)]))
    return r


def test_headings_links_browse_and_widened_search(ctx, client):
    auth = services.create(None, _authority("Twain, Mark,", see=["Clemens, Samuel Langhorne,"],
                                            see_also=["Snodgrass, Quintus Curtius,"]))
    db.session.commit()
    book = services.create(None, marc21_book("Adventures of Huckleberry Finn", author="Twain, Mark,"))
    other = services.create(None, marc21_book("Letters", author="Clemens, Samuel Langhorne,"))
    db.session.commit()
    links = db.session.scalars(select(AuthorityLink.record_id).where(AuthorityLink.authority_id == auth.id)).all()
    assert book.id in links
    # a search for the pseudonym's real name also finds the books under the authorized heading
    assert set(backend().search(Term("author", "Clemens, Samuel Langhorne"), base_filter=BIB).ids) == {book.id, other.id}
    # and a search for the heading finds the books catalogued under its variant
    assert set(backend().search(Term("author", "twain mark"), base_filter=BIB).ids) == {book.id, other.id}
    assert [h["kind"] for h in authorities.lookup("clemens")] == ["see"]
    rows = authorities.browse("S")
    assert rows[0]["text"] == "Snodgrass, Quintus Curtius" and rows[0]["authorized"] == "Twain, Mark"
    page = client.get("/catalog/headings?from=T").get_data(as_text=True)
    assert "Twain, Mark" in page


def test_authorities_loaded_after_the_records_they_control_are_linked_to_them(ctx, tmp_path):
    # A record's names are linked when it is indexed, to the headings there are then: an authority
    # file loaded after the bibliographic records found none of them until a full reindex.
    from pymarc import MARCWriter

    from app.catalog.importing import Importer

    book = services.create(None, marc21_book("Adventures of Huckleberry Finn", author="Twain, Mark,"))
    services.create(None, marc21_book("Leaves of Grass", author="Whitman, Walt,"))  # no authority: no link
    db.session.commit()
    book_id = book.id  # the load empties the session
    path = tmp_path / "authorities.mrc"
    with open(path, "wb") as fh:
        writer = MARCWriter(fh)
        writer.write(_authority("Twain, Mark,", see=["Clemens, Samuel Langhorne,"]))
        writer.close(close_fh=False)
    told = []
    importer = Importer(workers=1)
    importer.relinking = told.append
    importer.run(path)
    auth_id = db.session.scalar(select(Row.id).where(Row.kind == "authority"))

    def links():
        return sorted(db.session.execute(select(AuthorityLink.record_id, AuthorityLink.authority_id)).all())

    assert links() == [(book_id, auth_id)] and told == [2]
    later = services.create(None, marc21_book("Life on the Mississippi", author="Twain, Mark,"))
    db.session.commit()
    expected = [(book_id, auth_id), (later.id, auth_id)]
    assert links() == expected
    Importer(workers=1).run(path)  # the same file again: nothing added or changed, nothing linked twice
    assert links() == expected


def test_the_import_command_says_when_it_links_earlier_records(ctx, tmp_path):
    from pymarc import MARCWriter

    services.create(None, marc21_book("Roughing It", author="Twain, Mark,"))
    db.session.commit()
    path = tmp_path / "authorities.mrc"
    with open(path, "wb") as fh:
        writer = MARCWriter(fh)
        writer.write(_authority("Twain, Mark,"))
        writer.close(close_fh=False)
    result = ctx.test_cli_runner().invoke(args=["catalog", "import", str(path), "--workers", "1",
                                                "--rejects", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 0, result.output
    assert "linking the names of 1 earlier records" in result.stderr
    assert db.session.scalar(select(AuthorityLink.record_id)) is not None
