"""MARC (MARC 21 or CNMARC/UNIMARC) to simple Dublin Core, schema info:srw/schema/1/dc-v1.1.

Everything comes from `app.catalog.extract.extract`, the same reading of the record the catalogue
indexes, so what a DC client sees agrees with what it can search.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pymarc import Record

from app.catalog.extract import extract

DC_SCHEMA = "info:srw/schema/1/dc-v1.1"
SRW_DC_NS = "info:srw/schema/1/dc-schema"
DC_NS = "http://purl.org/dc/elements/1.1/"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _languages(record: Record, fmt: str) -> list[str]:
    if fmt == "marc21":
        f008 = record.get("008")
        code = f008.data[35:38].strip() if f008 is not None and f008.data and len(f008.data) >= 38 else ""
        codes = [code] if code and code not in ("|||", "und", "zxx") else []
        codes += [v for f in record.get_fields("041") for v in f.get_subfields("a")]
    else:
        codes = [v for f in record.get_fields("101") for v in f.get_subfields("a")]
    out = []
    for code in codes:
        code = code.strip()
        if code and code not in out:
            out.append(code)
    return out


# Leader/06 (type of record, the same letters in MARC 21 and UNIMARC where they overlap) to the DCMI
# type vocabulary.
_TYPES = {"a": "Text", "b": "Text", "t": "Text", "c": "Text", "d": "Text", "e": "Image", "f": "Image",
          "g": "MovingImage", "i": "Sound", "j": "Sound", "k": "StillImage", "m": "Software",
          "o": "Collection", "p": "Collection", "r": "PhysicalObject"}


def _type(record: Record, fmt: str) -> str:
    code = str(record.leader)[6:7]
    if fmt != "marc21":
        return {"l": "Software", "m": "Collection"}.get(code) or _TYPES.get(code, "Text")
    return _TYPES.get(code, "Text")


def _unique(values) -> list[str]:
    out = []
    for value in values:
        value = (value or "").strip()
        if value and value not in out:
            out.append(value)
    return out


def dc_fields(record: Record) -> list[tuple[str, str]]:
    """(element, value) pairs in Dublin Core order."""
    ex = extract(record)
    fmt = ex.classification.format
    pairs = [("title", ex.title)]
    creators = _unique(ex.names) or _unique([ex.author])
    pairs += [("creator", name) for name in creators]
    pairs += [("subject", s) for s in _unique(ex.subjects)]
    pairs += [("description", n) for n in _unique(ex.notes)]
    pairs.append(("publisher", ex.publisher))
    if ex.year:
        pairs.append(("date", str(ex.year)))
    pairs.append(("type", _type(record, fmt)))
    pairs += [("identifier", f"urn:{kind}:{value}") for kind, value in sorted(ex.keys) if kind in ("isbn", "issn")]
    pairs += [("identifier", url) for url, _label in ex.links]
    pairs += [("language", code) for code in _languages(record, fmt)]
    pairs += [("relation", s) for s in _unique(ex.series)]
    pairs = [(name, _NOT_XML.sub("", value).strip()) for name, value in pairs if value]
    return [(name, value) for name, value in pairs if value]


def dc_element(record: Record) -> ET.Element:
    root = ET.Element("srw_dc:dc", {"xmlns:srw_dc": SRW_DC_NS, "xmlns:dc": DC_NS})
    for name, value in dc_fields(record):
        ET.SubElement(root, f"dc:{name}").text = value
    return root
