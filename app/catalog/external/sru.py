"""An SRU searchRetrieve client over urllib: one GET, the envelope read without assuming a
namespace (the Library of Congress answers SRU 1.1 in http://www.loc.gov/zing/srw/, others 2.0 in
the OASIS namespace), the MARCXML of each record read by app.marc.io.

    result = search("http://lx2.loc.gov:210/LCDB", 'bath.isbn="9787501344413"', max_records=5)
    result.total, result.records, result.problems

Failures raise ExternalError: "timeout", "connect", "http", "bad_response" or "diagnostic".
"""
from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from flask_babel import lazy_gettext as _l
from pymarc import Record

from app.marc.io import MarcReadError, read

from . import errors
from .errors import ExternalError, Said

USER_AGENT = "Bianmu/1.0 (union catalogue portal; SRU client)"
MAX_BYTES = 20 * 1024 * 1024  # a page of at most 50 records is far smaller
CHUNK = 64 * 1024
# SRU answers "no hits, so no first record" with diagnostic 61 (LoC does, with HTTP 200).
FIRST_RECORD_OUT_OF_RANGE = 61


@dataclass
class Fetched:
    """What a target answered: the hit count, the records read, and what could not be read."""

    total: int
    records: list[Record] = field(default_factory=list)
    problems: list = field(default_factory=list)  # one message per record that could not be used


def search(url: str, cql: str, *, version: str = "1.1", schema: str = "marcxml", max_records: int = 10,
           start: int = 1, timeout: float = 15.0) -> Fetched:
    params = {"operation": "searchRetrieve", "version": version, "query": cql, "startRecord": str(start),
              "maximumRecords": str(max_records), "recordSchema": schema}
    if version == "2.0":
        params["recordXMLEscaping"] = "xml"
    else:
        params["recordPacking"] = "xml"
    where = _where(url)
    body = fetch(url + ("&" if "?" in url else "?") + urlencode(params), timeout=timeout, where=where)
    return parse_response(body, where)


def fetch(url: str, *, timeout: float, where: str) -> bytes:
    """The body of a GET, within `timeout` seconds in all (not per read), at most MAX_BYTES."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                   "Accept": "text/xml, application/xml;q=0.9, */*;q=0.1"})
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            chunks, size = [], 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise errors.timeout(where, timeout)
                _set_read_timeout(resp, left)
                chunk = resp.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ExternalError("bad_response", _l("%(where)s sent more than %(mb)d MB; the answer was "
                                                           "not read.", where=where, mb=MAX_BYTES // 2**20))
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        # An SRU server may put its diagnostics in a 4xx/5xx body: read them when they are there.
        body = _safe_read(exc)
        if body and _looks_like_sru(body):
            return body
        raise ExternalError("http", _l("%(where)s answered HTTP %(status)s (%(reason)s) instead of search "
                                       "results.", where=where, status=exc.code, reason=exc.reason or "")) from None
    except urllib.error.URLError as exc:
        raise _network_error(exc.reason, where, timeout) from None
    except (TimeoutError, socket.timeout):
        raise errors.timeout(where, timeout) from None
    except (ConnectionError, OSError, ValueError, http.client.HTTPException) as exc:
        # http.client raises RemoteDisconnected, IncompleteRead, BadStatusLine (ValueError-like, OSError)…
        raise _network_error(exc, where, timeout) from None


def parse_response(body: bytes, where: str) -> Fetched:
    """Read a searchRetrieveResponse of any SRU version; records through app.marc.io."""
    head = body[:2048].lstrip()
    if not head.startswith(b"<") or b"<!DOCTYPE" in head.upper():
        # HTML error pages come with a DOCTYPE; SRU never needs one (and no entity tricks get in).
        raise _not_sru(where, "not XML" if not head.startswith(b"<") else "an HTML or DOCTYPE document")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise _not_sru(where, f"XML error: {exc}") from None
    if _local(root.tag) != "searchRetrieveResponse":
        diagnostics = _diagnostics(root) if _local(root.tag) == "diagnostics" else []
        if diagnostics:
            raise _diagnostic_error(where, diagnostics[0])
        raise _not_sru(where, f"<{_local(root.tag)}> instead of <searchRetrieveResponse>")
    total_text = _child_text(root, "numberOfRecords")
    diagnostics = []
    for node in _children(root, "diagnostics"):
        diagnostics.extend(_diagnostics(node))
    records_node = next(_children(root, "records"), None)
    if diagnostics:
        code = diagnostics[0][0]
        if code == FIRST_RECORD_OUT_OF_RANGE and records_node is None and (total_text or "0").strip() in ("", "0"):
            return Fetched(total=0)
        if records_node is None or total_text is None:
            raise _diagnostic_error(where, diagnostics[0])
    if total_text is None:
        raise _not_sru(where, "no <numberOfRecords>")
    try:
        total = int(total_text.strip())
    except ValueError:
        raise _not_sru(where, f"<numberOfRecords> is {total_text!r}") from None
    fetched = Fetched(total=max(total, 0))
    for code, message, details in diagnostics:  # diagnostics beside records: warnings, not failures
        fetched.problems.append(errors.sru_diagnostic(where, code, message, details).message)
    if records_node is not None:
        for position, record_node in enumerate(_children(records_node, "record"), 1):
            _read_record(record_node, position, fetched)
    return fetched


def _read_record(node: ET.Element, position: int, fetched: Fetched) -> None:
    pos_text = _child_text(node, "recordPosition")
    if pos_text and pos_text.strip().isdigit():
        position = int(pos_text.strip())
    data = next(_children(node, "recordData"), None)
    if data is None:
        fetched.problems.append(_l("Record %(n)d: the answer holds no record data.", n=position))
        return
    element = next(iter(data), None)
    if element is not None and _local(element.tag) == "diagnostic":  # a surrogate diagnostic
        code, message, details = _diagnostic(element)
        fetched.problems.append(_l("Record %(n)d could not be sent: %(said)s (SRU diagnostic %(code)s%(extra)s).",
                                   n=position, said=errors.SRU_DIAGNOSTICS.get(code) or message or "?",
                                   code=code if code is not None else "?",
                                   extra=f" — {details}" if details else ""))
        return
    if element is not None:
        xml = ET.tostring(element, encoding="utf-8")
    elif (data.text or "").strip():  # recordPacking=string: the record is escaped text
        xml = data.text.strip().encode("utf-8")
    else:
        fetched.problems.append(_l("Record %(n)d: the record data is empty.", n=position))
        return
    try:
        results = list(read(xml, format="marcxml"))
    except MarcReadError as exc:
        fetched.problems.append(_l("Record %(n)d cannot be read: %(why)s", n=position, why=Said(exc.message)))
        return
    good = [r.record for r in results if r.ok]
    if good:
        fetched.records.extend(good)
        return
    bad = next((r.error for r in results if r.error is not None), None)
    schema = (_child_text(node, "recordSchema") or "").strip()
    why = Said(bad) if bad is not None else _l("no MARC record inside (schema %(schema)s)", schema=schema or "?")
    fetched.problems.append(_l("Record %(n)d cannot be read: %(why)s", n=position, why=why))


# ---------------------------------------------------------------- envelope helpers

def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(node: ET.Element, name: str):
    return (child for child in node if _local(child.tag) == name)


def _child_text(node: ET.Element, name: str) -> str | None:
    child = next(_children(node, name), None)
    return None if child is None else (child.text or "")


def _diagnostic(node: ET.Element) -> tuple[int | None, str, str]:
    uri = (_child_text(node, "uri") or "").strip()
    tail = uri.rsplit("/", 1)[-1]
    code = int(tail) if tail.isdigit() else None
    return code, (_child_text(node, "message") or "").strip(), (_child_text(node, "details") or "").strip()


def _diagnostics(node: ET.Element) -> list[tuple[int | None, str, str]]:
    return [_diagnostic(d) for d in node.iter() if _local(d.tag) == "diagnostic"]


def _diagnostic_error(where: str, diagnostic) -> ExternalError:
    code, message, details = diagnostic
    return errors.sru_diagnostic(where, code, message, details)


def _not_sru(where: str, detail: str) -> ExternalError:
    return ExternalError("bad_response", _l("%(where)s did not answer with SRU search results (%(detail)s).",
                                            where=where, detail=detail))


def _looks_like_sru(body: bytes) -> bool:
    return b"searchRetrieveResponse" in body[:4096] or b"diagnostic" in body[:4096]


def _safe_read(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read(MAX_BYTES) or b""
    except Exception:
        return b""


def _set_read_timeout(resp, seconds: float) -> None:
    sock = getattr(getattr(getattr(resp, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.01))


def _where(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc + parts.path


def _network_error(reason, where: str, timeout: float) -> ExternalError:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return errors.timeout(where, timeout)
    if isinstance(reason, ConnectionRefusedError):
        return errors.connect(where, _l("connection refused"))
    if isinstance(reason, socket.gaierror):
        return errors.connect(where, _l("unknown host name"))
    if isinstance(reason, ssl.SSLError):
        return errors.connect(where, _l("secure connection failed: %(why)s", why=getattr(reason, "reason", "") or reason))
    if isinstance(reason, ConnectionError):
        return ExternalError("connect", _l("%(where)s closed the connection before answering. Try again later.",
                                           where=where))
    return errors.connect(where, str(reason) if reason else "")
