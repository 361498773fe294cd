"""A real yaz-ztest (Debian package yaz) on a free port of 127.0.0.1: it answers Z39.50 and SRU on
the same port, database "Default", with 24 built-in MARC 21 records. A Z39.50 (RPN) term that
starts with digits sets the hit count; SRU hit counts are the server's own choice.

Under CI=true a missing yaz-ztest fails the run; elsewhere the tests that need it are skipped.
"""
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass

import pytest
import yaml

IN_CI = os.environ.get("CI", "").lower() == "true"


@dataclass
class Ztest:
    host: str
    port: int

    @property
    def sru_url(self) -> str:
        return f"http://{self.host}:{self.port}/Default"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def ztest(tmp_path_factory):
    exe = shutil.which("yaz-ztest")
    if exe is None:
        if IN_CI:
            pytest.fail("yaz-ztest is required under CI=true (Debian package yaz; `make install` installs it)")
        pytest.skip("yaz-ztest is not installed (Debian package yaz)")
    log = tmp_path_factory.mktemp("ztest") / "ztest.log"
    for _attempt in range(3):  # the free port may be taken between choosing and binding it
        port = _free_port()
        proc = subprocess.Popen([exe, "-l", str(log), f"tcp:127.0.0.1:{port}"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None and not _answers(port):
            time.sleep(0.05)
        if proc.poll() is None and _answers(port):
            break
        _stop(proc)
    else:
        pytest.fail(f"yaz-ztest did not start; its log: {log.read_text() if log.exists() else '(none)'}")
    yield Ztest("127.0.0.1", port)
    _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    """End the server and the children it forked for connections (its own process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


@pytest.fixture
def closed_port():
    """A port on which nothing listens: connections are refused."""
    return _free_port()


@pytest.fixture
def silent_port():
    """A port that accepts connections (the kernel's backlog) but never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]


def write_targets(path, entries) -> str:
    path.write_text(yaml.safe_dump({"targets": entries}, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.fixture
def zt_targets(app, ztest, tmp_path, monkeypatch, closed_port, silent_port):
    """The application's target list pointed at the local yaz-ztest (and at broken addresses)."""
    z = f"{ztest.host}:{ztest.port}"
    entries = [
        {"name": "zt-sru", "label_zh": "测试 SRU", "label_en": "Test SRU", "protocol": "sru",
         "url": ztest.sru_url, "version": "1.1", "timeout": 5},
        {"name": "zt-sru2", "label_en": "Test SRU 2.0", "protocol": "sru", "url": ztest.sru_url,
         "version": "2.0", "timeout": 5},
        {"name": "zt-z3950", "label_zh": "测试 Z39.50", "label_en": "Test Z39.50", "protocol": "z3950",
         "address": f"{z}/Default", "record_syntax": "usmarc", "encoding": "utf-8", "timeout": 5},
        {"name": "refused-sru", "label_en": "Refused SRU", "protocol": "sru",
         "url": f"http://127.0.0.1:{closed_port}/Default", "timeout": 2},
        {"name": "silent-sru", "label_en": "Silent SRU", "protocol": "sru",
         "url": f"http://127.0.0.1:{silent_port}/Default", "timeout": 0.3},
        {"name": "zt-missing-db", "label_en": "Missing database", "protocol": "z3950",
         "address": f"{z}/NoSuchDatabase", "timeout": 5},
        {"name": "off", "label_en": "Disabled", "protocol": "sru", "enabled": False},
    ]
    path = write_targets(tmp_path / "targets.yaml", entries)
    monkeypatch.setitem(app.config, "EXTERNAL_TARGETS_FILE", path)
    return path


@pytest.fixture
def english(app):
    """Render a (lazy) message in English, as an English-speaking reader would see it."""
    from flask_babel import force_locale

    def render(message) -> str:
        with app.test_request_context(), force_locale("en"):
            return str(message)

    return render
