"""Z39.50 searches through the ZOOM API of YAZ (Debian's libyaz5), called with ctypes.

Only the handful of ZOOM functions a search needs, each declared with its exact C signature
(YAZ 5, include/yaz/zoom.h); opaque handles are `c_void_p`, so a NULL is None and nothing is
ever dereferenced on the Python side. Every handle is destroyed in a `finally`: result set before
connection. Records are copied out with `ctypes.string_at` before their result set goes, because
ZOOM owns their memory. ctypes releases the GIL around each call, so a slow catalogue does not
stop other requests; a connection is never shared between threads.

    result = search("lx2.loc.gov", 210, "LCDB", '@attr 1=7 "9780306406157"', max_records=5)

Failures raise ExternalError ("unavailable", "timeout", "connect", "diagnostic", "protocol").
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math
import threading

from flask_babel import lazy_gettext as _l

from app.marc.io import MarcReadError, read

from . import errors
from .errors import ExternalError, Said
from .sru import Fetched

LIBRARY_NAMES = ("libyaz.so.5",)

# ZOOM's own error codes (zoom.h); anything else comes from the server's diagnostic set.
ZOOM_ERROR_CONNECT = 10000
ZOOM_ERROR_CONNECTION_LOST = 10004
ZOOM_ERROR_INIT = 10005
ZOOM_ERROR_TIMEOUT = 10007
ZOOM_ERROR_UNSUPPORTED_QUERY = 10009
ZOOM_ERROR_INVALID_QUERY = 10010

_vp = ctypes.c_void_p
_str = ctypes.c_char_p
_strp = ctypes.POINTER(ctypes.c_char_p)
# name: (restype, argtypes) — YAZ 5 zoom.h
_SIGNATURES = {
    "ZOOM_connection_create": (_vp, [_vp]),  # ZOOM_connection (ZOOM_options)
    "ZOOM_connection_connect": (None, [_vp, _str, ctypes.c_int]),  # void (c, host, portnum)
    "ZOOM_connection_option_set": (None, [_vp, _str, _str]),  # void (c, key, val)
    "ZOOM_connection_error_x": (ctypes.c_int, [_vp, _strp, _strp, _strp]),  # int (c, &msg, &addinfo, &diagset)
    "ZOOM_connection_search": (_vp, [_vp, _vp]),  # ZOOM_resultset (c, query)
    "ZOOM_connection_destroy": (None, [_vp]),
    "ZOOM_query_create": (_vp, []),
    "ZOOM_query_prefix": (ctypes.c_int, [_vp, _str]),  # int (q, pqf): 0 ok, -1 bad PQF
    "ZOOM_query_destroy": (None, [_vp]),
    "ZOOM_resultset_size": (ctypes.c_size_t, [_vp]),
    "ZOOM_resultset_record": (_vp, [_vp, ctypes.c_size_t]),  # owned by the result set
    "ZOOM_resultset_destroy": (None, [_vp]),
    "ZOOM_record_get": (_vp, [_vp, _str, ctypes.POINTER(ctypes.c_int)]),  # bytes owned by the record
    "ZOOM_record_error": (ctypes.c_int, [_vp, _strp, _strp, _strp]),  # surrogate diagnostic
}

_lib = None
_lib_problem: str | None = None
_lib_lock = threading.Lock()


def _load():
    """The declared library, or None with the reason kept in _lib_problem."""
    global _lib, _lib_problem
    with _lib_lock:
        if _lib is not None or _lib_problem is not None:
            return _lib
        names = list(LIBRARY_NAMES)
        found = ctypes.util.find_library("yaz")
        if found and found not in names:
            names.append(found)
        problems = []
        for name in names:
            try:
                lib = ctypes.CDLL(name)
            except OSError as exc:
                problems.append(str(exc))
                continue
            try:
                for fn, (restype, argtypes) in _SIGNATURES.items():
                    func = getattr(lib, fn)
                    func.restype = restype
                    func.argtypes = argtypes
            except AttributeError as exc:
                problems.append(f"{name}: {exc}")
                continue
            _lib = lib
            return _lib
        _lib_problem = "; ".join(problems) or "libyaz not found"
        return None


def available() -> bool:
    return _load() is not None


def unavailable_reason() -> str | None:
    _load()
    return _lib_problem


def pqf_term(text: str) -> str:
    """A PQF term in double quotes (backslash escapes " and \\), so any text stays one term."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def search(host: str, port: int, database: str, pqf: str, *, syntax: str = "usmarc", encoding: str | None = None,
           max_records: int = 10, timeout: float = 15.0) -> Fetched:
    lib = _load()
    if lib is None:
        raise ExternalError("unavailable", _l("Z39.50 is not available on this server: the YAZ library "
                                              "(Debian package libyaz5) cannot be loaded."))
    where = f"{host}:{port}/{database}"
    conn = lib.ZOOM_connection_create(None)
    if not conn:
        raise ExternalError("protocol", _l("Z39.50: out of memory."))
    try:
        options = {
            "timeout": str(max(1, math.ceil(timeout))),  # whole seconds; connect, init and each answer
            "databaseName": database,
            "preferredRecordSyntax": syntax,
            "elementSetName": "F",
            "count": str(max_records),  # records come with the search (piggyback or one present)
            "implementationName": "Bianmu",
        }
        for key, value in options.items():
            lib.ZOOM_connection_option_set(conn, key.encode(), value.encode())
        lib.ZOOM_connection_connect(conn, host.encode("idna"), int(port))
        _check(lib, conn, where, timeout)
        query = lib.ZOOM_query_create()
        if not query:
            raise ExternalError("protocol", _l("Z39.50: out of memory."))
        try:
            if lib.ZOOM_query_prefix(query, pqf.encode("utf-8")) != 0:
                raise ExternalError("protocol", _l("The Z39.50 query is not valid PQF: %(pqf)s", pqf=pqf))
            rs = lib.ZOOM_connection_search(conn, query)
        finally:
            lib.ZOOM_query_destroy(query)
        try:
            _check(lib, conn, where, timeout)
            if not rs:
                raise ExternalError("protocol", _l("%(where)s returned no result set.", where=where))
            total = int(lib.ZOOM_resultset_size(rs))
            fetched = Fetched(total=total)
            for i in range(min(total, max_records)):
                _take(lib, conn, rs, i, where, timeout, encoding, fetched)
            return fetched
        finally:
            if rs:
                lib.ZOOM_resultset_destroy(rs)
    finally:
        lib.ZOOM_connection_destroy(conn)


def _take(lib, conn, rs, i: int, where: str, timeout: float, encoding, fetched: Fetched) -> None:
    n = i + 1
    rec = lib.ZOOM_resultset_record(rs, i)
    if not rec:
        _check(lib, conn, where, timeout)  # the connection failed while fetching
        fetched.problems.append(_l("Record %(n)d was not sent by the catalogue.", n=n))
        return
    msg, addinfo, diagset = ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_char_p()
    code = lib.ZOOM_record_error(rec, ctypes.byref(msg), ctypes.byref(addinfo), ctypes.byref(diagset))
    if code:
        fetched.problems.append(_l("Record %(n)d could not be sent: %(said)s (%(set)s diagnostic %(code)s%(extra)s).",
                                   n=n, said=_text(msg) or "?", set=_text(diagset) or "Bib-1", code=code,
                                   extra=f" — {_text(addinfo)}" if _text(addinfo) else ""))
        return
    syntax = _record_part(lib, rec, b"syntax").decode("ascii", "replace").strip()
    if syntax and not (syntax.lower().endswith("marc") or "xml" in syntax.lower()):
        fetched.problems.append(_l("Record %(n)d came as %(syntax)s, not MARC: set record_syntax of this "
                                   "catalogue to usmarc or unimarc.", n=n, syntax=syntax))
        return
    length = ctypes.c_int(0)
    ptr = lib.ZOOM_record_get(rec, b"raw", ctypes.byref(length))
    if not ptr or length.value <= 0:
        fetched.problems.append(_l("Record %(n)d is empty.", n=n))
        return
    raw = ctypes.string_at(ptr, length.value)  # a copy: ZOOM frees its own with the result set
    try:
        results = list(read(raw, encoding=encoding))
    except MarcReadError as exc:
        fetched.problems.append(_l("Record %(n)d cannot be read: %(why)s", n=n, why=Said(exc.message)))
        return
    good = [r.record for r in results if r.ok]
    if good:
        fetched.records.extend(good[:1])
    else:
        bad = next(r.error for r in results if not r.ok)
        fetched.problems.append(_l("Record %(n)d cannot be read: %(why)s", n=n, why=Said(bad)))


def _check(lib, conn, where: str, timeout: float) -> None:
    msg, addinfo, diagset = ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_char_p()
    code = lib.ZOOM_connection_error_x(conn, ctypes.byref(msg), ctypes.byref(addinfo), ctypes.byref(diagset))
    if not code:
        return
    message, info, dset = _text(msg), _text(addinfo), _text(diagset)
    if dset == "ZOOM" or code >= 10000 and dset in ("", "ZOOM"):
        if code == ZOOM_ERROR_TIMEOUT:
            raise errors.timeout(where, max(1, math.ceil(timeout)))
        if code == ZOOM_ERROR_CONNECT:
            raise errors.connect(where)
        if code == ZOOM_ERROR_CONNECTION_LOST:
            raise ExternalError("connect", _l("%(where)s closed the connection before answering. Try again "
                                              "later.", where=where))
        if code == ZOOM_ERROR_INIT:
            raise ExternalError("connect", _l("%(where)s refused to start a Z39.50 session (%(info)s).",
                                              where=where, info=info or message))
        raise ExternalError("protocol", _l("Z39.50 error at %(where)s: %(message)s%(extra)s.", where=where,
                                           message=message or code, extra=f" ({info})" if info else ""),
                            code=code)
    if dset.lower().startswith("bib-1"):
        raise errors.bib1_diagnostic(where, code, message, info)
    if "srw" in dset.lower():
        raise errors.sru_diagnostic(where, code, message, info)
    raise ExternalError("diagnostic", _l("%(where)s answered: %(message)s (%(set)s diagnostic %(code)s%(extra)s).",
                                         where=where, message=message or "?", set=dset or "?", code=code,
                                         extra=f" — {info}" if info else ""), code=code)


def _record_part(lib, rec, part: bytes) -> bytes:
    length = ctypes.c_int(0)
    ptr = lib.ZOOM_record_get(rec, part, ctypes.byref(length))
    return ctypes.string_at(ptr, length.value) if ptr and length.value > 0 else b""


def _text(value: ctypes.c_char_p) -> str:
    raw = value.value
    return raw.decode("utf-8", "replace").strip() if raw else ""
