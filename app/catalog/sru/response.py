"""SRU 1.2 response XML, built with the standard library's ElementTree.

Elements carry explicit prefixes (`srw:`, `diag:` …) with their `xmlns:` declarations written as
attributes, so nothing is registered in ElementTree's process-wide namespace table and an embedded
MARCXML record keeps its own default namespace.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

SRW_NS = "http://www.loc.gov/zing/srw/"
DIAG_NS = "http://www.loc.gov/zing/srw/diagnostic/"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
DIAGNOSTIC_SCHEMA = "info:srw/schema/1/diagnostics-v1.1"
VERSIONS = ("1.1", "1.2")
DEFAULT_VERSION = "1.2"
CONTENT_TYPE = "text/xml; charset=utf-8"

# info:srw/diagnostic/1/<code>: the messages of the SRU diagnostics list.
MESSAGES = {
    1: "General system error",
    4: "Unsupported operation",
    5: "Unsupported version",
    6: "Unsupported parameter value",
    7: "Mandatory parameter not supplied",
    8: "Unsupported parameter",
    10: "Query syntax error",
    15: "Unsupported context set",
    16: "Unsupported index",
    19: "Unsupported relation",
    20: "Unsupported relation modifier",
    27: "Empty term unsupported",
    28: "Masking character not supported",
    36: "Term in invalid format for index or relation",
    37: "Unsupported boolean operator",
    46: "Unsupported boolean modifier",
    61: "First record position out of range",
    64: "Record temporarily unavailable",
    66: "Unknown schema for retrieval",
    67: "Record not available in this schema",
    71: "Unsupported record packing",
    72: "XPath retrieval unsupported",
    80: "Sort not supported",
    110: "Stylesheets not supported",
    120: "Response position out of range",
}


class Diagnostic(Exception):
    """A request SRU refuses (or a condition it reports): info:srw/diagnostic/1/<code>."""

    def __init__(self, code: int, details: str = "", message: str | None = None):
        self.code = code
        self.details = details or ""
        self.message = message or MESSAGES.get(code, "Error")
        super().__init__(f"{code} {self.message}: {self.details}")

    @property
    def uri(self) -> str:
        return f"info:srw/diagnostic/1/{self.code}"


def root(name: str) -> ET.Element:
    return ET.Element(f"srw:{name}", {"xmlns:srw": SRW_NS})


def sub(parent: ET.Element, name: str, text=None, prefix: str = "srw") -> ET.Element:
    el = ET.SubElement(parent, f"{prefix}:{name}" if prefix else name)
    if text is not None:
        el.text = str(text)
    return el


def diagnostic_element(diag: Diagnostic) -> ET.Element:
    el = ET.Element("diag:diagnostic", {"xmlns:diag": DIAG_NS})
    sub(el, "uri", diag.uri, "diag")
    if diag.details:
        sub(el, "details", diag.details, "diag")
    sub(el, "message", diag.message, "diag")
    return el


def add_diagnostics(parent: ET.Element, diags: list[Diagnostic]) -> None:
    if diags:
        holder = sub(parent, "diagnostics")
        for diag in diags:
            holder.append(diagnostic_element(diag))


def echo(parent: ET.Element, name: str, params: dict, order: tuple[str, ...]) -> None:
    """The echoed request: the parameters the client gave, in the schema's order."""
    el = sub(parent, name)
    for key in order:
        if params.get(key) not in (None, ""):
            sub(el, key, params[key])


def add_record_data(record: ET.Element, schema: str, packing: str, payload: ET.Element) -> None:
    """recordSchema, recordPacking and recordData; packing "string" escapes the XML as text."""
    sub(record, "recordSchema", schema)
    sub(record, "recordPacking", packing)
    data = sub(record, "recordData")
    if packing == "string":
        data.text = ET.tostring(payload, encoding="unicode")
    else:
        data.append(payload)


def error_response(operation: str, version: str, diag: Diagnostic) -> ET.Element:
    """A response that holds nothing but the diagnostic (numberOfRecords 0 for searches)."""
    name = {"scan": "scanResponse", "explain": "explainResponse"}.get(operation, "searchRetrieveResponse")
    out = root(name)
    sub(out, "version", version if version in VERSIONS else DEFAULT_VERSION)
    if name == "searchRetrieveResponse":
        sub(out, "numberOfRecords", 0)
    add_diagnostics(out, [diag])
    return out


def serialize(element: ET.Element, soap: bool = False) -> bytes:
    if soap:
        envelope = ET.Element("SOAP-ENV:Envelope", {"xmlns:SOAP-ENV": SOAP_NS})
        ET.SubElement(envelope, "SOAP-ENV:Body").append(element)
        element = envelope
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="utf-8", xml_declaration=False)
