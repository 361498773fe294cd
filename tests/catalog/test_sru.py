"""The SRU 1.2 server at /sru, through the Flask test client, on SQLite and PostgreSQL."""
import logging
import xml.etree.ElementTree as ET

import pytest
from pymarc import Field, Leader, Record, Subfield

from app.catalog import services
from app.catalog.search.cql import INDEX_MAP, parse
from app.extensions import db
from tests.catalog.shelf import standard_shelf
from tests.catalog.records import cnmarc_book, marc21_book

SRW = "http://www.loc.gov/zing/srw/"
DIAG = "http://www.loc.gov/zing/srw/diagnostic/"
MARC = "http://www.loc.gov/MARC21/slim"
DC = "http://purl.org/dc/elements/1.1/"
ZR = "http://explain.z3950.org/dtd/2.0/"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS = {"srwdc": "info:srw/schema/1/dc-schema", "srw": SRW, "diag": DIAG, "marc": MARC, "dc": DC, "zr": ZR, "soap": SOAP}


def sru(client, method="GET", **params):
    params.setdefault("version", "1.2")
    params = {k: v for k, v in params.items() if v is not None}
    resp = client.get("/sru", query_string=params) if method == "GET" else client.post("/sru", data=params)
    assert resp.status_code == 200
    assert resp.content_type == "text/xml; charset=utf-8"
    return ET.fromstring(resp.data)


def search(client, query, **params):
    return sru(client, operation="searchRetrieve", query=query, **params)


def hits(doc) -> int:
    return int(doc.findtext("srw:numberOfRecords", namespaces=NS))


def diagnostic(doc):
    """(code, details) of the response's diagnostic, or None."""
    d = doc.find("srw:diagnostics/diag:diagnostic", NS)
    if d is None:
        return None
    code = int(d.findtext("diag:uri", namespaces=NS).rsplit("/", 1)[1])
    assert d.findtext("diag:message", namespaces=NS)
    return code, d.findtext("diag:details", default="", namespaces=NS)


def titles(doc) -> list[str]:
    out = []
    for rec in doc.findall("srw:records/srw:record/srw:recordData/marc:record", NS):
        for f in rec.findall("marc:datafield", NS):
            if f.get("tag") in ("200", "245"):
                out.append(f.findtext("marc:subfield[@code='a']", namespaces=NS).rstrip(" /"))
    return out


def positions(doc) -> list[int]:
    return [int(p.text) for p in doc.findall("srw:records/srw:record/srw:recordPosition", NS)]


def marc21_authority(name: str) -> Record:
    r = Record(leader=Leader("00000nz  a2200000n  4500"), force_utf8=True)
    r.add_field(Field(tag="008", data="190101n| acannaabn          |a aaa      "))
    r.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", name)]))
    return r


@pytest.fixture
def shelf(ctx):
    rows = standard_shelf()
    rows.update({
        # Not public: held for review, and an authority record.
        "hidden": services.create(None, cnmarc_book("编目待审记录", year=2021), status="review"),
        "authority": services.create(None, marc21_authority("Smith, John,")),
    })
    db.session.commit()
    return rows


# --- explain ------------------------------------------------------------------------------------------
def test_base_url_and_explain_describe_the_server(client):
    bare = client.get("/sru")
    assert bare.status_code == 200 and bare.content_type == "text/xml; charset=utf-8"
    for doc in (ET.fromstring(bare.data), sru(client, operation="explain")):
        assert doc.tag == f"{{{SRW}}}explainResponse"
        assert doc.findtext("srw:version", namespaces=NS) == "1.2"
        assert doc.findtext("srw:record/srw:recordSchema", namespaces=NS) == ZR
        ex = doc.find("srw:record/srw:recordData/zr:explain", NS)
        assert ex.findtext("zr:serverInfo/zr:host", namespaces=NS) == "portal.test"
        assert ex.findtext("zr:serverInfo/zr:database", namespaces=NS) == "sru"
        assert ex.findtext("zr:serverInfo/zr:port", namespaces=NS) == "443"
        assert ex.findtext("zr:configInfo/zr:default[@type='numberOfRecords']", namespaces=NS) == "10"
        assert ex.findtext("zr:configInfo/zr:setting[@type='maximumRecords']", namespaces=NS) == "100"
        schemas = {s.get("name"): s.get("identifier") for s in ex.findall("zr:schemaInfo/zr:schema", NS)}
        assert schemas == {"marcxml": "info:srw/schema/1/marcxml-v1.1", "dc": "info:srw/schema/1/dc-v1.1"}
    indexes = {}
    for index in ex.findall("zr:indexInfo/zr:index", NS):
        name = index.find("zr:map/zr:name", NS)
        indexes[f"{name.get('set')}.{name.text}"] = index
        assert index.findtext("zr:title[@lang='zh']", namespaces=NS)
        assert index.findtext("zr:title[@lang='en']", namespaces=NS)
    for wanted in ("cql.serverChoice", "cql.anywhere", "dc.title", "dc.creator", "dc.subject", "dc.date",
                   "dc.publisher", "bath.isbn", "bath.issn", "rec.id"):
        assert wanted in indexes
    for name in indexes:  # every advertised index is one the CQL compiler accepts
        assert name.lower() in INDEX_MAP and parse(f'{name} = "1"') is not None
    assert indexes["dc.title"].get("scan") == "true" and indexes["dc.subject"].get("scan") == "true"
    assert indexes["rec.id"].get("scan") == "false"


def test_explain_as_string_and_for_version_1_1(client):
    doc = sru(client, operation="explain", version="1.1", recordPacking="string")
    assert doc.findtext("srw:version", namespaces=NS) == "1.1"
    inner = ET.fromstring(doc.findtext("srw:record/srw:recordData", namespaces=NS))
    assert inner.tag == f"{{{ZR}}}explain"


# --- searchRetrieve -------------------------------------------------------------------------------------
def test_search_returns_marcxml_records(client, shelf):
    doc = search(client, "dc.title=编目规则")
    assert doc.tag == f"{{{SRW}}}searchRetrieveResponse" and diagnostic(doc) is None
    assert hits(doc) == 1 and titles(doc) == ["中文文献编目规则"] and positions(doc) == [1]
    rec = doc.find("srw:records/srw:record", NS)
    assert rec.findtext("srw:recordSchema", namespaces=NS) == "info:srw/schema/1/marcxml-v1.1"
    assert rec.findtext("srw:recordPacking", namespaces=NS) == "xml"
    marc = rec.find("srw:recordData/marc:record", NS)
    assert marc.findtext("marc:leader", namespaces=NS)
    assert marc.findtext("marc:datafield[@tag='010']/marc:subfield[@code='a']", namespaces=NS) == "978-7-5013-4441-3"
    assert doc.find("srw:nextRecordPosition", NS) is None
    assert doc.findtext("srw:echoedSearchRetrieveRequest/srw:query", namespaces=NS) == "dc.title=编目规则"


def test_chinese_queries_of_one_and_two_characters(client, shelf):
    assert titles(search(client, "dc.title=学")) == ["大学学习方法"]
    assert titles(search(client, "dc.title=编目")) == ["中文文献编目规则"]  # 编写目录 is not 编目
    assert titles(search(client, "经济")) == ["中国经济发展报告"]  # cql.serverChoice
    assert titles(search(client, 'cql.anywhere="统计"')) == ["中国经济发展报告"]


def test_indexes_relations_booleans_and_truncation(client, shelf):
    def found(query):
        doc = search(client, query, maximumRecords="50")
        assert diagnostic(doc) is None, (query, diagnostic(doc))
        return set(titles(doc))

    assert found("dc.creator=李四") == {"大学学习方法"}
    assert found("dc.creator=dupont") == {"L'économie du Monde"}
    assert found("dc.subject=学习方法") == {"大学学习方法"}
    assert found("dc.publisher=统计出版社") == {"中国经济发展报告"}
    assert found("bath.isbn=7501344418") == {"中文文献编目规则"}  # ISBN-10 finds the ISBN-13
    assert found("bath.isbn=978-0-8389-1234-8") == {"RDA and cataloging practice"}
    assert found(f"rec.id={shelf['econ'].id}") == {"中国经济发展报告"}
    assert found("dc.title=catalog*") == {"RDA and cataloging practice"}
    assert found("dc.title=catalog") == set()
    assert found('dc.title any "规则 艺术"') == {"中文文献编目规则", "编写目录的艺术"}
    assert found('dc.title all "经济 报告"') == {"中国经济发展报告"}
    assert found('dc.publisher == "中国统计出版社"') == {"中国经济发展报告"}
    assert found("dc.date>2012") == {"中国经济发展报告", "RDA and cataloging practice"}
    assert found("dc.date<2001") == {"编写目录的艺术"}
    assert found("dc.date=2005") == {"中文文献编目规则"}
    assert found("dc.title=规则 or dc.title=rda") == {"中文文献编目规则", "RDA and cataloging practice"}
    assert found("dc.date>2000 and dc.date<2013 and dc.title=学") == {"大学学习方法"}
    assert found("bianmu.database=chinese not dc.title=编") == {"大学学习方法", "中国经济发展报告"}
    assert found("bianmu.language=fre") == {"L'économie du Monde"}
    assert found("(dc.title=规则 or dc.title=经济) and dc.date>2010") == {"中国经济发展报告"}


def test_only_active_bibliographic_records_are_public(client, shelf):
    assert hits(search(client, "dc.title=待审")) == 0
    assert hits(search(client, f"rec.id={shelf['hidden'].id}")) == 0
    assert hits(search(client, f"rec.id={shelf['authority'].id}")) == 0
    assert hits(search(client, "dc.date>1000")) == 6


def test_dublin_core_of_a_cnmarc_and_a_marc21_record(client, shelf):
    doc = search(client, "dc.title=中国经济发展报告", recordSchema="dc")
    rec = doc.find("srw:records/srw:record", NS)
    assert rec.findtext("srw:recordSchema", namespaces=NS) == "info:srw/schema/1/dc-v1.1"
    dc = rec.find("srw:recordData/srwdc:dc", NS)
    assert dc is not None
    values = [(el.tag.split("}")[1], el.text) for el in dc]
    assert ("title", "中国经济发展报告") in values
    assert ("creator", "国家统计局") in values  # the 701 access point
    assert ("subject", "经济发展") in values and ("publisher", "中国统计出版社") in values
    assert ("date", "2020") in values and ("language", "chi") in values and ("type", "Text") in values

    doc = search(client, "bath.isbn=0838912346", recordSchema="info:srw/schema/1/dc-v1.1")
    dc = doc.find("srw:records/srw:record/srw:recordData/srwdc:dc", NS)
    values = [(el.tag.split("}")[1], el.text) for el in dc]
    assert values[0] == ("title", "RDA and cataloging practice")
    for pair in (("creator", "Smith, John"), ("subject", "Cataloging"), ("publisher", "ALA Editions"),
                 ("date", "2015"), ("identifier", "urn:isbn:9780838912348"), ("language", "eng")):
        assert pair in values


def test_record_packing_string_escapes_the_record(client, shelf):
    doc = search(client, "dc.title=rda", recordPacking="string")
    rec = doc.find("srw:records/srw:record", NS)
    assert rec.findtext("srw:recordPacking", namespaces=NS) == "string"
    data = rec.find("srw:recordData", NS)
    assert len(data) == 0 and data.text.startswith("<record")
    inner = ET.fromstring(data.text)
    assert inner.tag == f"{{{MARC}}}record"
    title = inner.findtext("marc:datafield[@tag='245']/marc:subfield[@code='a']", namespaces=NS)
    assert title == "RDA and cataloging practice /"


def test_paging_with_start_record_and_maximum_records(client, ctx):
    for i in range(12):
        services.create(None, cnmarc_book(f"图书馆学第{i}卷", year=1990 + i))
    db.session.commit()
    everything = search(client, "dc.title=图书馆", maximumRecords="100")
    assert hits(everything) == 12 and positions(everything) == list(range(1, 13))
    order = titles(everything)
    assert len(set(order)) == 12

    first = search(client, "dc.title=图书馆")  # default: 10
    assert positions(first) == list(range(1, 11)) and first.findtext("srw:nextRecordPosition", namespaces=NS) == "11"
    page = search(client, "dc.title=图书馆", startRecord="4", maximumRecords="5")  # not on a page boundary
    assert positions(page) == [4, 5, 6, 7, 8] and titles(page) == order[3:8]
    assert page.findtext("srw:nextRecordPosition", namespaces=NS) == "9"
    last = search(client, "dc.title=图书馆", startRecord="11", maximumRecords="5")
    assert titles(last) == order[10:] and last.find("srw:nextRecordPosition", NS) is None
    walked, start = [], "1"
    while start:
        doc = search(client, "dc.title=图书馆", startRecord=start, maximumRecords="3")
        walked += titles(doc)
        start = doc.findtext("srw:nextRecordPosition", namespaces=NS)
    assert walked == order
    capped = search(client, "dc.title=图书馆", maximumRecords="100000")
    assert diagnostic(capped) is None and len(positions(capped)) == 12


def test_maximum_records_zero_gives_only_the_count(client, shelf):
    doc = search(client, "dc.title=编", maximumRecords="0")
    assert hits(doc) == 2 and doc.find("srw:records", NS) is None and diagnostic(doc) is None
    assert doc.find("srw:nextRecordPosition", NS) is None


def test_post_form_encoded_and_version_1_1(client, shelf):
    doc = sru(client, "POST", operation="searchRetrieve", version="1.1", query="dc.title=规则")
    assert doc.findtext("srw:version", namespaces=NS) == "1.1" and titles(doc) == ["中文文献编目规则"]
    doc = sru(client, "POST", operation="scan", scanClause="dc.title=中")
    assert doc.tag == f"{{{SRW}}}scanResponse"


def soap(client, body: str):
    envelope = (f'<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP}">'
                f'<SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>')
    resp = client.post("/sru", data=envelope.encode(), content_type="text/xml")
    assert resp.status_code == 200 and resp.content_type == "text/xml; charset=utf-8"
    doc = ET.fromstring(resp.data)
    assert doc.tag == f"{{{SOAP}}}Envelope"
    return doc.find("soap:Body", NS)[0]


def test_soap_requests_as_yaz_sends_them(client, shelf):
    doc = soap(client, f'<zs:searchRetrieveRequest xmlns:zs="{SRW}"><zs:version>1.2</zs:version>'
                       '<zs:query>dc.title=经济</zs:query><zs:startRecord>1</zs:startRecord>'
                       '<zs:maximumRecords>1</zs:maximumRecords><zs:recordPacking>xml</zs:recordPacking>'
                       '</zs:searchRetrieveRequest>')
    assert doc.tag == f"{{{SRW}}}searchRetrieveResponse" and hits(doc) == 1 and titles(doc) == ["中国经济发展报告"]
    doc = soap(client, f'<zs:scanRequest xmlns:zs="{SRW}"><zs:version>1.2</zs:version>'
                       '<zs:scanClause>bath.isbn=9780</zs:scanClause></zs:scanRequest>')
    assert doc.tag == f"{{{SRW}}}scanResponse"
    assert doc.findtext("srw:terms/srw:term/srw:value", namespaces=NS) == "9780838912348"
    doc = soap(client, f'<zs:explainRequest xmlns:zs="{SRW}"><zs:version>1.2</zs:version></zs:explainRequest>')
    assert doc.tag == f"{{{SRW}}}explainResponse"
    doc = soap(client, f'<zs:searchRetrieveRequest xmlns:zs="{SRW}"><zs:version>1.2</zs:version>'
                       '</zs:searchRetrieveRequest>')
    assert diagnostic(doc) == (7, "query")
    resp = client.post("/sru", data=b"<not-xml", content_type="text/xml")
    assert resp.status_code == 200
    body = ET.fromstring(resp.data).find("soap:Body", NS)[0]
    assert diagnostic(body)[0] == 6
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;</x>')
    resp = client.post("/sru", data=bomb, content_type="text/xml")
    assert diagnostic(ET.fromstring(resp.data).find("soap:Body", NS)[0])[0] == 6


# --- diagnostics ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("params, code, details", [
    ({"version": "2.0", "operation": "searchRetrieve", "query": "x"}, 5, "1.2"),
    ({"version": "1.0", "operation": "explain"}, 5, "1.2"),
    ({"operation": "searchRetrieve"}, 7, "query"),
    ({"operation": "searchRetrieve", "query": "  "}, 7, "query"),
    ({"query": "dc.title=x"}, 7, "operation"),
    ({"operation": "update"}, 4, "update"),
    ({"operation": "searchRetrieve", "query": "dc.title=("}, 10, None),
    ({"operation": "searchRetrieve", "query": 'dc.title="unbalanced'}, 10, None),
    ({"operation": "searchRetrieve", "query": "dc.nothing=x"}, 16, "dc.nothing"),
    ({"operation": "searchRetrieve", "query": "foo.title=x"}, 15, "foo"),
    ({"operation": "searchRetrieve", "query": "dc.title>x"}, 19, None),
    ({"operation": "searchRetrieve", "query": "dc.title=/stem x"}, 20, None),
    ({"operation": "searchRetrieve", "query": 'dc.title=""'}, 27, None),
    ({"operation": "searchRetrieve", "query": "dc.title=*log"}, 28, None),
    ({"operation": "searchRetrieve", "query": "dc.date=recent"}, 36, None),
    ({"operation": "searchRetrieve", "query": "bath.isbn=123"}, 36, None),
    ({"operation": "searchRetrieve", "query": "a prox b"}, 37, None),
    ({"operation": "searchRetrieve", "query": "x", "startRecord": "abc"}, 6, "startRecord"),
    ({"operation": "searchRetrieve", "query": "x", "startRecord": "0"}, 6, "startRecord"),
    ({"operation": "searchRetrieve", "query": "x", "startRecord": "²"}, 6, "startRecord"),  # isdigit(), not int()
    ({"operation": "searchRetrieve", "query": "dc.date=²"}, 36, None),
    ({"operation": "searchRetrieve", "query": "dc.date > 99999999999999999999"}, 36, None),  # past 64 bits
    ({"operation": "searchRetrieve", "query": "rec.id = 99999999999999999999"}, 36, None),
    ({"operation": "searchRetrieve", "query": "x", "maximumRecords": "-1"}, 6, "maximumRecords"),
    ({"operation": "searchRetrieve", "query": "x", "maximumRecords": "ten"}, 6, "maximumRecords"),
    ({"operation": "searchRetrieve", "query": "x", "recordSchema": "mods"}, 66, "mods"),
    ({"operation": "searchRetrieve", "query": "x", "recordPacking": "json"}, 71, "json"),
    ({"operation": "searchRetrieve", "query": "x", "sortKeys": "dc.title"}, 80, None),
    ({"operation": "searchRetrieve", "query": "dc.title=x sortby dc.date/sort.descending"}, 80, None),
    ({"operation": "searchRetrieve", "query": "x", "stylesheet": "http://evil.example/x.xsl"}, 110, None),
    ({"operation": "searchRetrieve", "query": "x", "recordXPath": "/record", "version": "1.1"}, 72, None),
    ({"operation": "searchRetrieve", "query": "x", "recordXPath": "/record"}, 8, "recordXPath"),
    ({"operation": "searchRetrieve", "query": "x", "colour": "red"}, 8, "colour"),
    ({"operation": "searchRetrieve", "query": "x\x00y"}, 6, "query"),
    ({"operation": "explain", "recordPacking": "json"}, 71, "json"),
    ({"operation": "scan"}, 7, "scanClause"),
])
def test_every_refusal_is_a_diagnostic(client, shelf, params, code, details):
    doc = sru(client, **params)
    found = diagnostic(doc)
    assert found is not None and found[0] == code, found
    if details is not None:
        assert found[1] == details
    if doc.tag == f"{{{SRW}}}searchRetrieveResponse":
        assert hits(doc) == 0


def test_response_element_follows_the_operation(client):
    assert sru(client, operation="scan", version="9").tag == f"{{{SRW}}}scanResponse"
    assert sru(client, scanClause="dc.title=x", version=None).tag == f"{{{SRW}}}scanResponse"
    assert sru(client, operation="explain", version="9").tag == f"{{{SRW}}}explainResponse"


def test_extension_parameters_are_ignored_and_repeats_refused(client, shelf):
    assert diagnostic(search(client, "dc.title=rda", **{"x-info-colour": "red"})) is None
    resp = client.get("/sru?version=1.2&operation=searchRetrieve&query=a&query=b")
    assert diagnostic(ET.fromstring(resp.data)) == (6, "query given more than once")


def test_start_record_beyond_the_result(client, shelf):
    doc = search(client, "dc.title=编", startRecord="3")
    assert diagnostic(doc) == (61, "3") and hits(doc) == 2
    doc = search(client, "dc.title=编", startRecord="99999999999999999999")
    assert diagnostic(doc)[0] == 61
    assert diagnostic(search(client, "dc.title=编", startRecord="9" * 5000))[0] == 61  # past int()'s digits
    assert diagnostic(search(client, "dc.title=nothing-like-this")) is None  # no hits is not an error


def test_a_fault_of_ours_is_a_general_diagnostic_not_a_500(client, shelf, monkeypatch, caplog):
    from app.catalog.sru import search as sru_search

    def broken():
        raise RuntimeError("database on fire")

    monkeypatch.setattr(sru_search, "backend", broken)
    # migrations/env.py runs logging.config.fileConfig, which disables every logger that existed when
    # a later test database was migrated in this process; production migrates in its own process.
    monkeypatch.setattr(client.application.logger, "disabled", False)
    with caplog.at_level(logging.ERROR):
        doc = search(client, "dc.title=rda")
    assert diagnostic(doc) == (1, "")
    assert "database on fire" in caplog.text
    assert hits(search(client, "dc.title=rda", version="2.0")) == 0  # and the next request still works


def test_a_record_that_cannot_be_written_is_a_surrogate_diagnostic(client, ctx):
    marc = marc21_book("Broken\x01 record")
    services.create(None, marc)
    services.create(None, marc21_book("Broken but fine"))
    db.session.commit()
    doc = search(client, "dc.title=broken", maximumRecords="5")
    assert hits(doc) == 2
    schemas = sorted(r.findtext("srw:recordSchema", namespaces=NS) for r in doc.findall("srw:records/srw:record", NS))
    assert schemas == ["info:srw/schema/1/diagnostics-v1.1", "info:srw/schema/1/marcxml-v1.1"]
    surrogate = doc.find("srw:records/srw:record/srw:recordData/diag:diagnostic", NS)
    assert surrogate.findtext("diag:uri", namespaces=NS) == "info:srw/diagnostic/1/67"
    dc = search(client, "dc.title=broken", recordSchema="dc", maximumRecords="5")
    assert len(dc.findall("srw:records/srw:record/srw:recordData/srwdc:dc", NS)) == 2


# --- scan -----------------------------------------------------------------------------------------------
def scan(client, clause, **params):
    return sru(client, operation="scan", scanClause=clause, **params)


def terms(doc) -> list[tuple[str, int, str]]:
    return [(t.findtext("srw:value", namespaces=NS), int(t.findtext("srw:numberOfRecords", namespaces=NS)),
             t.findtext("srw:whereInList", namespaces=NS)) for t in doc.findall("srw:terms/srw:term", NS)]


@pytest.fixture
def titles_shelf(ctx):
    for title in ("Alpha", "beta", "Beta", "Gamma", "Delta", "epsilon"):
        services.create(None, marc21_book(title))
    services.create(None, marc21_book("Beta"), status="deleted")  # not counted
    db.session.commit()


def test_scan_lists_terms_in_order_with_counts(client, titles_shelf):
    doc = scan(client, 'dc.title=""')
    assert doc.tag == f"{{{SRW}}}scanResponse" and diagnostic(doc) is None
    assert terms(doc) == [("alpha", 1, "first"), ("beta", 2, "inner"), ("delta", 1, "inner"),
                          ("epsilon", 1, "inner"), ("gamma", 1, "last")]
    display = {t.findtext("srw:value", namespaces=NS): t.findtext("srw:displayTerm", namespaces=NS)
               for t in doc.findall("srw:terms/srw:term", NS)}
    assert display["alpha"] == "Alpha" and display["epsilon"] is None
    assert terms(scan(client, "dc.title=c", maximumTerms="2")) == [("delta", 1, "inner"), ("epsilon", 1, "inner")]
    assert terms(scan(client, "dc.title=Delta", responsePosition="2", maximumTerms="3")) == [
        ("beta", 2, "inner"), ("delta", 1, "inner"), ("epsilon", 1, "inner")]
    assert terms(scan(client, "dc.title=delta", responsePosition="0", maximumTerms="5")) == [
        ("epsilon", 1, "inner"), ("gamma", 1, "last")]
    assert terms(scan(client, "dc.title=delta", responsePosition="4", maximumTerms="3")) == [
        ("alpha", 1, "first"), ("beta", 2, "inner")]  # the scan term itself would be the 4th
    assert terms(scan(client, "dc.title=zzz")) == []
    assert terms(scan(client, "dc.title=gam*")) == [("gamma", 1, "last")]


def test_scan_of_chinese_titles_isbns_and_years(client, shelf):
    # Code-point order (SQLite; PostgreSQL with the C collation the tests use).
    assert terms(scan(client, "dc.title=中", maximumTerms="3")) == [
        ("中国经济发展报告", 1, "inner"), ("中文文献编目规则", 1, "inner"), ("大学学习方法", 1, "inner")]
    assert terms(scan(client, "dc.title=编", maximumTerms="3")) == [("编写目录的艺术", 1, "last")]  # 编目待审记录 is not public
    assert terms(scan(client, "bath.isbn=9787", maximumTerms="10")) == [
        ("9787040123456", 1, "inner"), ("9787501344413", 1, "last")]
    assert terms(scan(client, "bath.isbn=7501344418"))[0] == ("9787501344413", 1, "last")
    assert [t[0] for t in terms(scan(client, "dc.date=2012", maximumTerms="2"))] == ["2012", "2015"]
    assert [t[0] for t in terms(scan(client, "dc.creator=smith", maximumTerms="1"))] == ["smith, john"]
    assert [t[0] for t in terms(scan(client, "bianmu.clc=G254"))] == ["G254", "G254.3", "G642"]
    # subject headings, folded (case, spacing, full-width forms), in code-point order
    assert terms(scan(client, "dc.subject=经济", maximumTerms="1"))[0][:2] == ("经济发展", 1)
    assert [t[0] for t in terms(scan(client, "dc.subject=ＥＣＯＮＯＭＩＣＳ", maximumTerms="1"))] == ["economics"]
    assert [t[0] for t in terms(scan(client, "bath.topicalSubject=学习", maximumTerms="1"))] == ["学习方法"]


@pytest.mark.parametrize("params, code", [
    ({"scanClause": "rec.id=1"}, 16),
    ({"scanClause": "dc.nothing=x"}, 16),
    ({"scanClause": "dc.date>2000"}, 19),
    ({"scanClause": "dc.title any x"}, 19),
    ({"scanClause": "dc.title=a and dc.title=b"}, 10),
    ({"scanClause": "dc.title=("}, 10),
    ({"scanClause": "dc.title=x", "maximumTerms": "0"}, 6),
    ({"scanClause": "dc.title=x", "maximumTerms": "many"}, 6),
    ({"scanClause": "dc.title=x", "maximumTerms": "²"}, 6),
    ({"scanClause": "dc.date=99999999999999999999"}, 36),
    ({"scanClause": "dc.title=x", "responsePosition": "-1"}, 6),
    ({"scanClause": "dc.title=x", "responsePosition": "30", "maximumTerms": "10"}, 120),
    ({"scanClause": "dc.title=x", "query": "x"}, 8),
])
def test_scan_refusals_are_diagnostics(client, shelf, params, code):
    doc = sru(client, operation="scan", **params)
    assert doc.tag == f"{{{SRW}}}scanResponse"
    assert diagnostic(doc)[0] == code
