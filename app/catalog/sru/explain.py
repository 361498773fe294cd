"""explain: a ZeeRex 2.0 record describing this server, its indexes, schemas and defaults."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from app.catalog.search.cql import INDEX_MAP

from .dc import DC_SCHEMA
from .response import add_record_data, echo, root, sub
from .scan import SCANNABLE
from .search import DEFAULT_RECORDS, MARCXML_SCHEMA, MAX_RECORDS

ZEEREX_NS = "http://explain.z3950.org/dtd/2.0/"
DATABASE = "sru"
CONTEXT_SETS = (
    ("cql", "info:srw/cql-context-set/1/cql-v1.2"),
    ("dc", "info:srw/cql-context-set/1/dc-v1.1"),
    ("bath", "http://zing.z3950.org/cql/bath/2.0/"),
    ("rec", "info:srw/cql-context-set/2/rec-1.1"),
    ("bianmu", "urn:x-bianmu:cql-context-set:1.0"),
)
# (set, name, English title, Chinese title): every index a query may use.
INDEXES = (
    ("cql", "serverChoice", "Any field", "任意字段"),
    ("cql", "anywhere", "Any field", "任意字段"),
    ("cql", "keywords", "Keywords", "关键词"),
    ("dc", "title", "Title", "题名"),
    ("dc", "creator", "Author", "责任者"),
    ("dc", "subject", "Subject", "主题"),
    ("dc", "date", "Year of publication", "出版年"),
    ("dc", "publisher", "Publisher", "出版者"),
    ("dc", "identifier", "ISBN", "ISBN"),
    ("bath", "isbn", "ISBN", "ISBN"),
    ("bath", "issn", "ISSN", "ISSN"),
    ("bath", "name", "Name", "名称"),
    ("bath", "personalName", "Personal name", "个人名称"),
    ("bath", "corporateName", "Corporate name", "团体名称"),
    ("bath", "topicalSubject", "Topical subject", "论题主题"),
    ("bath", "possessingInstitution", "Holding library (code)", "馆藏单位（代码）"),
    ("rec", "id", "Record number", "记录号"),
    ("bianmu", "clc", "Chinese Library Classification", "中图分类号"),
    ("bianmu", "lcc", "Library of Congress Classification", "国会图书馆分类号"),
    ("bianmu", "class", "Class number (CLC or LCC)", "分类号（中图法或国会法）"),
    ("bianmu", "database", "Database (chinese, western, japanese, russian, other)", "数据库"),
    ("bianmu", "language", "Language (MARC code: chi, eng, ger…)", "语种（MARC 代码：chi、eng、ger…）"),
    ("bianmu", "material", "Material (book, serial, electronic, ancient, other)", "文献类型"),
    ("bianmu", "library", "Holding library (code)", "馆藏单位（代码）"),
    ("bianmu", "region", "Region of a holding library (code)", "馆藏地区（代码）"),
    ("bianmu", "level", "Record level", "记录级别"),
)
RELATIONS = ("=", "==", "exact", "adj", "any", "all", "<", ">", "<=", ">=")


def scannable(set_name: str, name: str) -> bool:
    return INDEX_MAP.get(f"{set_name}.{name}".lower()) in SCANNABLE


def zeerex(host_url: str) -> ET.Element:
    parts = urlsplit(host_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    ex = ET.Element("zr:explain", {"xmlns:zr": ZEEREX_NS})
    server = sub(ex, "serverInfo", prefix="zr")
    server.set("protocol", "SRU")
    server.set("version", "1.2")
    server.set("transport", parts.scheme or "http")
    sub(server, "host", parts.hostname or "localhost", "zr")
    sub(server, "port", port, "zr")
    sub(server, "database", DATABASE, "zr")

    info = sub(ex, "databaseInfo", prefix="zr")
    for lang, text, primary in (("zh", "编目 联合目录", True), ("en", "Bianmu union catalogue", False)):
        title = sub(info, "title", text, "zr")
        title.set("lang", lang)
        if primary:
            title.set("primary", "true")
    for lang, text in (("zh", "联合目录中的书目记录（MARC 21 与 CNMARC），仅限已发布记录。"),
                       ("en", "The bibliographic records of the union catalogue (MARC 21 and CNMARC), "
                              "active records only.")):
        sub(info, "description", text, "zr").set("lang", lang)

    index_info = sub(ex, "indexInfo", prefix="zr")
    for name, identifier in CONTEXT_SETS:
        s = sub(index_info, "set", prefix="zr")
        s.set("name", name)
        s.set("identifier", identifier)
    for set_name, name, en, zh in INDEXES:
        index = sub(index_info, "index", prefix="zr")
        index.set("search", "true")
        index.set("scan", "true" if scannable(set_name, name) else "false")
        index.set("sort", "false")
        sub(index, "title", zh, "zr").set("lang", "zh")
        sub(index, "title", en, "zr").set("lang", "en")
        m = sub(index, "map", prefix="zr")
        sub(m, "name", name, "zr").set("set", set_name)

    schemas = sub(ex, "schemaInfo", prefix="zr")
    for identifier, name, title in (
            (MARCXML_SCHEMA, "marcxml", "MARCXML (MARC 21 slim; CNMARC records in the same structure)"),
            (DC_SCHEMA, "dc", "Simple Dublin Core")):
        schema = sub(schemas, "schema", prefix="zr")
        schema.set("identifier", identifier)
        schema.set("name", name)
        schema.set("retrieve", "true")
        schema.set("sort", "false")
        sub(schema, "title", title, "zr")

    config = sub(ex, "configInfo", prefix="zr")
    for kind, text in (("numberOfRecords", DEFAULT_RECORDS), ("retrieveSchema", "marcxml"),
                       ("contextSet", "cql"), ("index", "cql.serverChoice"), ("relation", "=")):
        sub(config, "default", text, "zr").set("type", kind)
    sub(config, "setting", MAX_RECORDS, "zr").set("type", "maximumRecords")
    for relation in RELATIONS:
        sub(config, "supports", relation, "zr").set("type", "relation")
    for boolean in ("and", "or", "not"):
        sub(config, "supports", boolean, "zr").set("type", "booleanOperator")
    sub(config, "supports", "*", "zr").set("type", "maskingCharacter")
    return ex


def explain(params: dict, version: str, host_url: str, packing: str) -> ET.Element:
    out = root("explainResponse")
    sub(out, "version", version)
    record = sub(out, "record")
    add_record_data(record, ZEEREX_NS, packing, zeerex(host_url))
    sub(record, "recordPosition", 1)
    echo(out, "echoedExplainRequest", params, ("version", "recordPacking", "stylesheet"))
    return out
