"""The SRU 1.2 endpoint: /sru, by GET, by form-encoded POST, or by SOAP (SRW) POST.

Every answer is 200 with text/xml; whatever goes wrong — a bad request or a fault of ours — is an SRU
diagnostic in the XML, never an error page. Public: no sign-in, no CSRF token.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from flask import Blueprint, Response, current_app, request

from app.extensions import csrf, db

from .explain import explain
from .response import (CONTENT_TYPE, DEFAULT_VERSION, SOAP_NS, SRW_NS, VERSIONS, Diagnostic, error_response,
                       serialize)
from .scan import scan
from .search import packing_of, search_retrieve

bp = Blueprint("sru", __name__)
csrf.exempt(bp)

COMMON = {"operation", "version", "stylesheet", "extraRequestData"}
PARAMETERS = {
    "searchRetrieve": COMMON | {"query", "startRecord", "maximumRecords", "recordPacking", "recordSchema",
                                "resultSetTTL", "sortKeys"},
    "scan": COMMON | {"scanClause", "responsePosition", "maximumTerms"},
    "explain": COMMON | {"recordPacking"},
}
SOAP_LIMIT = 64 * 1024
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
SOAP_TYPES = ("text/xml", "application/xml", "application/soap+xml")


@bp.route("/sru", methods=["GET", "POST"])
def endpoint():
    soap, operation, version = False, None, DEFAULT_VERSION
    try:
        soap = request.method == "POST" and request.mimetype in SOAP_TYPES
        if soap:
            operation, params, repeated = _soap_params()
        else:
            params, repeated = _http_params()
        operation = operation or params.get("operation")
        version = params.get("version") or DEFAULT_VERSION
        if not operation:
            # The base URL alone describes the server; a query without an operation is refused.
            operation = "scan" if "scanClause" in params else "searchRetrieve" if "query" in params else "explain"
            if operation != "explain":
                raise Diagnostic(7, "operation")
        bad = next((k for k, v in params.items() if _NOT_XML.search(k) or _NOT_XML.search(v or "")), None)
        if bad is not None:  # characters XML cannot carry (and databases refuse: NUL)
            raise Diagnostic(6, _NOT_XML.sub("", bad))
        body = _answer(operation, version, params, repeated)
    except Diagnostic as diag:
        body = error_response(operation or "searchRetrieve", version, diag)
    except Exception:  # a fault of ours: logged, and still an SRU answer
        db.session.rollback()
        current_app.logger.exception("SRU request failed: %s", request.full_path[:500])
        body = error_response(operation or "searchRetrieve", version, Diagnostic(1))
    return Response(serialize(body, soap), status=200, content_type=CONTENT_TYPE)


def _http_params() -> tuple[dict, list[str]]:
    params, repeated = {}, []
    for key in request.values.keys():
        values = request.values.getlist(key)
        if len(values) > 1:
            repeated.append(key)
        params[key] = values[0]
    return params, repeated


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def _soap_params() -> tuple[str | None, dict, list[str]]:
    """The operation and parameters of an SRW (SOAP) request."""
    data = request.stream.read(SOAP_LIMIT + 1)
    if len(data) > SOAP_LIMIT:
        raise Diagnostic(6, "SOAP request larger than 64 KB")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise Diagnostic(6, "SOAP request with a document type declaration")
    try:
        envelope = ET.fromstring(data)
    except ET.ParseError as exc:
        raise Diagnostic(6, f"SOAP request is not well-formed XML: {exc}") from None
    body = envelope.find(f"{{{SOAP_NS}}}Body")
    if body is None:
        body = next((el for el in envelope if _local(el.tag)[1] == "Body"), None)
    req = next(iter(body), None) if body is not None else None
    if req is None:
        raise Diagnostic(6, "SOAP request without a request in its Body")
    ns, name = _local(req.tag)
    operation = name[: -len("Request")] if name.endswith("Request") else name
    if ns not in (SRW_NS, None):
        raise Diagnostic(4, f"{{{ns}}}{name}")
    params, repeated = {}, []
    for child in req:
        key = _local(child.tag)[1]
        if key in params:
            repeated.append(key)
            continue
        params[key] = "".join(child.itertext()).strip() if key != "extraRequestData" else ""
    return operation, params, repeated


def _answer(operation: str, version: str, params: dict, repeated: list[str]) -> ET.Element:
    if version not in VERSIONS:
        raise Diagnostic(5, DEFAULT_VERSION)
    if operation not in PARAMETERS:
        raise Diagnostic(4, operation)
    if repeated:
        raise Diagnostic(6, f"{repeated[0]} given more than once")
    if operation == "searchRetrieve" and params.get("recordXPath") and version == "1.1":
        raise Diagnostic(72, params["recordXPath"])
    unknown = [k for k in params if k not in PARAMETERS[operation] and not k.startswith("x-")]
    if unknown:
        raise Diagnostic(8, unknown[0])
    if operation == "searchRetrieve":
        return search_retrieve(params, version)
    if operation == "scan":
        return scan(params, version)
    if params.get("stylesheet"):
        raise Diagnostic(110, params["stylesheet"])
    return explain(params, version, request.host_url, packing_of(params))
