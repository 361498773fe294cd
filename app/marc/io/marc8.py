"""MARC-8 output, which the catalogue's downloads offer for MARC 21 records.

pymarc can read MARC-8 but not write it, and no maintained Python package does (the PyPI "ansel"
codec covers only the Latin block, not the escape sequences for CJK, Cyrillic, Hebrew, Arabic).
YAZ (Index Data, packaged by Debian) converts whole ISO 2709 records, handles combining marks and
every MARC-8 set, and writes characters MARC-8 lacks as &#xXXXX; (LC's lossless convention).
pymarc writes the UTF-8 record; yaz-marcdump only transcodes it.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from typing import BinaryIO

from .messages import msg
from .results import MarcWriteError

YAZ_ARGS = ["-i", "marc", "-o", "marc", "-f", "utf8", "-t", "marc8lossless", "-l", "9=32"]


def yaz_marcdump() -> str:
    exe = shutil.which("yaz-marcdump")
    if exe is None:
        raise MarcWriteError(msg("marc8_needs_yaz"))
    return exe


def utf8_to_marc8(iso_utf8: bytes) -> bytes:
    """ISO 2709 records in UTF-8 (leader/09 'a') -> the same records in MARC-8 (leader/09 blank)."""
    with tempfile.NamedTemporaryFile(suffix=".mrc") as tmp:
        tmp.write(iso_utf8)
        tmp.flush()
        return _run(tmp.name)


def transcode_file(src: BinaryIO, dst: BinaryIO) -> None:
    """Whole spooled file at once: one yaz process per download, not one per record."""
    with tempfile.NamedTemporaryFile(suffix=".mrc") as tmp:
        src.seek(0)
        shutil.copyfileobj(src, tmp)
        tmp.flush()
        dst.write(_run(tmp.name))


def _run(path: str) -> bytes:
    proc = subprocess.run([yaz_marcdump(), *YAZ_ARGS, path], capture_output=True, check=False)
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip() or f"exit {proc.returncode}"
        raise MarcWriteError(msg("marc8_failed", detail=detail))
    return proc.stdout
