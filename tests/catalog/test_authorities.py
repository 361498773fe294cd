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
