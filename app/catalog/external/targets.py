"""The configured list of external catalogues, read from a YAML file.

The file is `external_targets.yaml` at the repository root unless the application config or the
environment names another one (`EXTERNAL_TARGETS_FILE`). It is read again whenever it changes, so
adding a catalogue needs no restart. See docs/external-catalogues.md for the format.
"""
from __future__ import annotations

import math
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from .errors import ExternalError

DEFAULT_FILE = Path(__file__).resolve().parents[3] / "external_targets.yaml"
PROTOCOLS = ("sru", "z3950")
SRU_VERSIONS = ("1.1", "1.2", "2.0")
KINDS = ("isbn", "title", "author", "keyword")
# How our query kinds are asked by default. SRU: a CQL index ("" = no index, the server's
# choice); Z39.50: a Bib-1 use attribute.
SRU_INDEXES = {"isbn": "bath.isbn", "title": "dc.title", "author": "dc.creator", "keyword": ""}
BIB1_USE = {"isbn": 7, "title": 4, "author": 1003, "keyword": 1016}
MAX_TIMEOUT = 120.0
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_KNOWN_KEYS = {"name", "label_zh", "label_en", "protocol", "url", "version", "record_schema", "address",
               "record_syntax", "encoding", "timeout", "enabled", "indexes", "note"}


@dataclass(frozen=True)
class Target:
    name: str
    label_zh: str
    label_en: str
    protocol: str  # "sru" | "z3950"
    enabled: bool = True
    url: str = ""  # SRU base URL
    version: str = "1.1"  # SRU version asked for
    record_schema: str = "marcxml"  # SRU recordSchema
    host: str = ""  # Z39.50
    port: int = 210
    database: str = ""
    record_syntax: str = "usmarc"  # Z39.50 preferredRecordSyntax
    encoding: str | None = None  # character set of Z39.50 ISO 2709 records; None = detect per record
    timeout: float = 15.0
    indexes: dict = field(default_factory=dict)  # our kind -> CQL index (SRU) or Bib-1 use attribute (Z39.50)
    note: str = ""

    @property
    def where(self) -> str:
        """The address, for messages: the host and port (and database) being asked."""
        if self.protocol == "sru":
            parts = urlsplit(self.url)
            return parts.netloc + parts.path
        return f"{self.host}:{self.port}/{self.database}"

    def index_for(self, kind: str):
        if kind in self.indexes:
            return self.indexes[kind]
        return SRU_INDEXES[kind] if self.protocol == "sru" else BIB1_USE[kind]


def targets_file() -> Path:
    configured = current_app.config.get("EXTERNAL_TARGETS_FILE") if has_app_context() else None
    return Path(configured or os.environ.get("EXTERNAL_TARGETS_FILE") or DEFAULT_FILE)


_cache: dict[str, tuple[tuple, list[Target]]] = {}
_lock = threading.Lock()


def load_targets(path: str | os.PathLike | None = None) -> list[Target]:
    """Every configured target (enabled or not), in the file's order. Raises ExternalError
    ("config") naming the file and the entry when the file is missing or wrong."""
    path = Path(path) if path is not None else targets_file()
    try:
        stat = path.stat()
    except OSError:
        raise ExternalError("config", _l("The list of external catalogues (%(path)s) cannot be read.",
                                         path=str(path))) from None
    stamp = (stat.st_mtime_ns, stat.st_size)
    key = str(path)
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == stamp:
            return list(cached[1])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _bad(path, None, str(exc).splitlines()[0]) from None
    targets = parse_targets(data, path)
    with _lock:
        _cache[key] = (stamp, targets)
    return list(targets)


def enabled_targets(path=None) -> list[Target]:
    return [t for t in load_targets(path) if t.enabled]


def get_target(name: str, path=None) -> Target:
    for t in enabled_targets(path):
        if t.name == name:
            return t
    raise ExternalError("config", _l("There is no external catalogue called “%(name)s”.", name=name), "target")


def parse_targets(data, path: Path | str = "<data>") -> list[Target]:
    if not isinstance(data, dict) or not isinstance(data.get("targets"), list):
        raise _bad(path, None, "the file must hold a mapping with a list under 'targets'")
    out, seen = [], set()
    for i, entry in enumerate(data["targets"], 1):
        target = _target(entry, path, i)
        if target.name in seen:
            raise _bad(path, target.name, "the name is used twice")
        seen.add(target.name)
        out.append(target)
    return out


def _target(entry, path, i: int) -> Target:
    if not isinstance(entry, dict):
        raise _bad(path, f"#{i}", "each target is a mapping of keys to values")
    name = str(entry.get("name") or "")
    if not _NAME.match(name):
        raise _bad(path, f"#{i}", "'name' must be 1-40 letters, digits, '.', '_' or '-'")
    unknown = set(entry) - _KNOWN_KEYS
    if unknown:
        raise _bad(path, name, f"unknown key(s): {', '.join(sorted(map(str, unknown)))}")
    protocol = str(entry.get("protocol") or "").lower()
    if protocol not in PROTOCOLS:
        raise _bad(path, name, "'protocol' must be sru or z3950")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _bad(path, name, "'enabled' must be true or false")
    kw = {
        "name": name,
        "label_zh": str(entry.get("label_zh") or entry.get("label_en") or name),
        "label_en": str(entry.get("label_en") or entry.get("label_zh") or name),
        "protocol": protocol,
        "enabled": enabled,
        "note": str(entry.get("note") or ""),
    }
    try:
        timeout = float(entry.get("timeout", 15))
    except (TypeError, ValueError):
        timeout = -1
    if not (0 < timeout <= MAX_TIMEOUT) or math.isnan(timeout):
        raise _bad(path, name, f"'timeout' must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}")
    kw["timeout"] = timeout
    if not enabled:
        # A disabled entry documents a catalogue that cannot be used yet (an address that is only
        # given on registration, say): it needs no address.
        return Target(**kw)
    kw["indexes"] = _indexes(entry.get("indexes"), protocol, path, name)
    if protocol == "sru":
        url = str(entry.get("url") or "")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _bad(path, name, "'url' must be the SRU base address, http:// or https://")
        if parts.query or parts.fragment:
            raise _bad(path, name, "'url' must be the base address without '?…' parameters")
        version = str(entry.get("version") or "1.1")
        if version not in SRU_VERSIONS:
            raise _bad(path, name, f"'version' must be one of {', '.join(SRU_VERSIONS)} (quote it in YAML: \"1.1\")")
        schema = str(entry.get("record_schema") or "marcxml")
        kw.update(url=url, version=version, record_schema=schema)
    else:
        host, port, database = _address(entry.get("address"), path, name)
        syntax = str(entry.get("record_syntax") or "usmarc")
        encoding = entry.get("encoding")
        if encoding is not None:
            encoding = _encoding(str(encoding), path, name)
        kw.update(host=host, port=port, database=database, record_syntax=syntax, encoding=encoding)
    return Target(**kw)


def _address(value, path, name) -> tuple[str, int, str]:
    m = re.fullmatch(r"([A-Za-z0-9.-]+)(?::(\d{1,5}))?/([^\s/]+)", str(value or ""))
    if not m or not (0 < int(m.group(2) or 210) < 65536):
        raise _bad(path, name, "'address' must be host:port/database, e.g. lx2.loc.gov:210/LCDB")
    return m.group(1), int(m.group(2) or 210), m.group(3)


def _encoding(value: str, path, name) -> str:
    from app.marc.io import MarcReadError
    from app.marc.io.encodings import normalise_encoding

    try:
        return normalise_encoding(value, MarcReadError)
    except MarcReadError:
        raise _bad(path, name, f"unknown 'encoding' {value!r} (utf-8, marc8, gb18030 …)") from None


def _indexes(value, protocol: str, path, name) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or set(value) - set(KINDS):
        raise _bad(path, name, f"'indexes' maps {', '.join(KINDS)} to an index")
    out = {}
    for kind, index in value.items():
        if protocol == "z3950":
            if not isinstance(index, int) or isinstance(index, bool) or index <= 0:
                raise _bad(path, name, f"'indexes.{kind}' must be a Bib-1 use attribute number")
        elif not isinstance(index, str) or not re.fullmatch(r"[A-Za-z0-9_.-]*", index):
            raise _bad(path, name, f"'indexes.{kind}' must be a CQL index such as dc.title (or \"\")")
        out[kind] = index
    return out


def _bad(path, name, detail: str) -> ExternalError:
    if name is None:
        return ExternalError("config", _l("The list of external catalogues (%(path)s) is wrong: %(detail)s.",
                                          path=str(path), detail=detail))
    return ExternalError("config", _l("The list of external catalogues (%(path)s) is wrong at %(name)s: "
                                      "%(detail)s.", path=str(path), name=name, detail=detail))
