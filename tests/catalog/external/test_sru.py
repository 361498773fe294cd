"""The SRU client: envelopes of every version, diagnostics, and a real yaz-ztest."""
import pytest

from app.catalog.external import sru
from app.catalog.external.errors import ExternalError

MARC = ('<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader>'
        '<controlfield tag="001">42</controlfield><datafield tag="245" ind1="1" ind2="0">'
        '<subfield code="a">Cataloguing in practice</subfield></datafield></record>')


def _v11(records="", total=1, diagnostics=""):
    return (f'<?xml version="1.0"?><zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/">'
            f'<zs:version>1.1</zs:version><zs:numberOfRecords>{total}</zs:numberOfRecords>{records}'
            f'{diagnostics}</zs:searchRetrieveResponse>').encode()


def _record(data, packing="xml", position=1):
    return (f'<zs:record><zs:recordSchema>info:srw/schema/1/marcxml-v1.1</zs:recordSchema>'
            f'<zs:recordPacking>{packing}</zs:recordPacking><zs:recordData>{data}</zs:recordData>'
            f'<zs:recordPosition>{position}</zs:recordPosition></zs:record>')


def test_sru_1_1_records_are_read_through_the_marc_layer(ctx):
    got = sru.parse_response(_v11(f"<zs:records>{_record(MARC)}</zs:records>", total=7), "here")
    assert got.total == 7 and got.problems == []
    assert got.records[0]["245"]["a"] == "Cataloguing in practice" and got.records[0]["001"].data == "42"


def test_sru_2_0_namespace_and_string_packing(ctx):
    escaped = MARC.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = ('<searchRetrieveResponse xmlns="http://docs.oasis-open.org/ns/search-ws/sruResponse">'
            '<numberOfRecords>2</numberOfRecords><records>'
            f'<record><recordSchema>marcxml</recordSchema><recordXMLEscaping>string</recordXMLEscaping>'
            f'<recordData>{escaped}</recordData><recordPosition>1</recordPosition></record>'
            f'<record><recordSchema>marcxml</recordSchema><recordData>{MARC}</recordData></record>'
            '</records></searchRetrieveResponse>').encode()
    got = sru.parse_response(body, "here")
    assert got.total == 2 and [r["001"].data for r in got.records] == ["42", "42"]


def test_diagnostics_become_clear_errors(ctx):
    diag = ('<zs:diagnostics><d:diagnostic xmlns:d="http://www.loc.gov/zing/srw/diagnostic/">'
            '<d:uri>info:srw/diagnostic/1/16</d:uri><d:details>bath.colour</d:details>'
            '<d:message>Unsupported index</d:message></d:diagnostic></zs:diagnostics>')
    body = (b'<zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:version>1.1</zs:version>'
            + diag.encode() + b"</zs:searchRetrieveResponse>")
    with pytest.raises(ExternalError) as err:
        sru.parse_response(body, "lx2.loc.gov:210/LCDB")
    assert err.value.kind == "diagnostic" and err.value.code == 16
    text = str(err.value.message)
    assert "lx2.loc.gov:210/LCDB" in text and "bath.colour" in text and "16" in text


def test_diagnostic_61_with_no_hits_is_an_empty_answer(ctx):
    # The Library of Congress answers a search without hits this way, with HTTP 200.
    diag = ('<zs:diagnostics><diagnostic xmlns="http://www.loc.gov/zing/srw/diagnostic/">'
            '<uri>info:srw/diagnostic/1/61</uri><message>First record position out of range</message>'
            '</diagnostic></zs:diagnostics>')
    got = sru.parse_response(_v11(total=0, diagnostics=diag), "here")
    assert got.total == 0 and got.records == [] and got.problems == []


def test_surrogate_diagnostics_and_unreadable_records_are_problems_not_failures(ctx, english):
    surrogate = ('<diagnostic xmlns="http://www.loc.gov/zing/srw/diagnostic/"><uri>info:srw/diagnostic/1/67</uri>'
                 '<message>Record not available in this schema</message></diagnostic>')
    body = _v11("<zs:records>" + _record(surrogate, position=1) + _record("<dc xmlns='x'>not marc</dc>", position=2)
                + _record(MARC, position=3) + "</zs:records>", total=3)
    got = sru.parse_response(body, "here")
    assert len(got.records) == 1 and len(got.problems) == 2
    assert english(got.problems[0]) == ("Record 1 could not be sent: the record is not available in this schema "
                                        "(SRU diagnostic 67).")
    assert english(got.problems[1]).startswith("Record 2 cannot be read: ")


@pytest.mark.parametrize("body", [b"", b"Service unavailable", b"<!DOCTYPE html><html><body>404</body></html>",
                                  b"<explainResponse/>", b"<searchRetrieveResponse>", b"<x:a xmlns:x='u'/>"])
def test_what_is_not_sru_is_said_so(ctx, body):
    with pytest.raises(ExternalError) as err:
        sru.parse_response(body, "here")
    assert err.value.kind == "bad_response"


# ------------------------------------------------------------------ against yaz-ztest

def test_search_a_real_server_sru_1_1(ctx, ztest):
    got = sru.search(ztest.sru_url, "dc.title=computer", max_records=3, timeout=5)
    assert got.total >= 0 and got.problems == []
    assert len(got.records) == min(got.total, 3)
    if got.records:  # yaz-ztest picks the hit count; its records are MARC 21 books
        assert got.records[0]["245"] is not None and str(got.records[0].leader)[6] == "a"


def test_search_a_real_server_sru_2_0_and_paging_limits(ctx, ztest):
    got = sru.search(ztest.sru_url, "5", version="2.0", max_records=2, timeout=5)
    assert got.total == 5 and len(got.records) == 2  # a bare number: ztest answers that many hits
    one = sru.search(ztest.sru_url, "5", version="1.2", max_records=1, timeout=5)
    assert [r["001"].data for r in one.records] == [got.records[0]["001"].data]


def test_real_server_diagnostics(ctx, ztest):
    with pytest.raises(ExternalError) as err:
        sru.search(ztest.sru_url, "5", version="3.0", timeout=5)
    assert err.value.kind == "diagnostic" and err.value.code == 5
    schema = sru.search(ztest.sru_url, "5", schema="no-such-schema", max_records=2, timeout=5)
    assert schema.records == [] and len(schema.problems) == 2  # surrogate diagnostics, per record
    with pytest.raises(ExternalError) as err:
        sru.search(f"http://{ztest.host}:{ztest.port}/NoSuchDatabase", "5", timeout=5)
    assert err.value.kind == "http" and "404" in str(err.value.message)


def test_connection_refused_and_timeout(ctx, closed_port, silent_port):
    with pytest.raises(ExternalError) as err:
        sru.search(f"http://127.0.0.1:{closed_port}/Default", "x", timeout=2)
    assert err.value.kind == "connect" and f"127.0.0.1:{closed_port}" in str(err.value.message)
    with pytest.raises(ExternalError) as err:
        sru.search(f"http://127.0.0.1:{silent_port}/Default", "x", timeout=0.3)
    assert err.value.kind == "timeout" and "0.3" in str(err.value.message)
    with pytest.raises(ExternalError) as err:
        sru.search("http://no-such-host.invalid/sru", "x", timeout=2)
    assert err.value.kind == "connect"


def test_diagnostics_beside_records_are_warnings(ctx, english):
    diag = ('<zs:diagnostics><diagnostic xmlns="http://www.loc.gov/zing/srw/diagnostic/">'
            '<uri>info:srw/diagnostic/1/64</uri><message>Record temporarily unavailable</message>'
            '</diagnostic></zs:diagnostics>')
    got = sru.parse_response(_v11(f"<zs:records>{_record(MARC)}</zs:records>", total=2, diagnostics=diag), "here")
    assert len(got.records) == 1 and len(got.problems) == 1
    assert english(got.problems[0]) == "here answered: Record temporarily unavailable (SRU diagnostic 64)."
