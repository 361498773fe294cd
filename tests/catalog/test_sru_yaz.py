"""Interoperability: Index Data's yaz-client (Debian package yaz) searches our SRU server and gets the
records back — over SOAP (its default), HTTP GET and HTTP POST, SRU 1.1 and 1.2.

A real HTTP server runs in a thread on 127.0.0.1 with its own SQLite database built by the
migrations, CSRF on as in production. Without yaz-client the tests are skipped on a developer's
machine and fail under CI=true.
"""
import os
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.catalog import services
from app.catalog.extract import extract
from app.extensions import db
from app.marc.io import read_records
from tests.catalog.records import cnmarc_book, marc21_book
from tests.conftest import IN_CI, build_app

SHARED = Path(os.environ.get("BIANMU_SHARED", Path(__file__).resolve().parents[2].parent / "shared"))
DP2 = SHARED / "data" / "marc" / "unimarc" / "dp2_sru_cnmarcxml.xml"
YAZ = shutil.which("yaz-client")


@pytest.fixture(scope="module")
def yaz():
    if YAZ is None:
        if IN_CI:
            pytest.fail("yaz-client is required under CI=true (make install installs the Debian package yaz)")
        pytest.skip("yaz-client not installed")
    return YAZ


@pytest.fixture(scope="module")
def dp2_records():
    if not DP2.exists():
        if IN_CI:
            pytest.fail(f"{DP2} is missing")
        pytest.skip(f"{DP2} not found")
    records, errors = read_records(str(DP2))
    assert records and not errors
    return records


@pytest.fixture(scope="module")
def server(dp2_records):
    app = build_app("sqlite")
    app.config.update(WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    with app.app_context():
        services.create(None, cnmarc_book("中文文献编目规则", isbn="978-7-5013-4441-3", year=2005))
        services.create(None, marc21_book("RDA and cataloging practice", isbn="0-8389-1234-6", year=2015))
        services.create(None, cnmarc_book("编目待审记录", year=2021), status="review")
        for record in dp2_records:
            services.create(None, record)
        db.session.commit()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/sru"
    httpd.shutdown()
    with app.app_context():
        db.engine.dispose()


def run_yaz(yaz, url: str, commands: list[str], tmp_path, method: str | None = None) -> str:
    """Feed yaz-client commands on stdin, from an empty directory and HOME (no .yazclientrc)."""
    script = ([f"sru {method}"] if method else []) + [f"open {url}", "querytype cql", *commands, "quit"]
    env = dict(os.environ, HOME=str(tmp_path), LANG="C.UTF-8")
    done = subprocess.run([yaz], input="\n".join(script) + "\n", capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=60)
    return done.stdout + done.stderr


@pytest.mark.parametrize("method", [None, "get 1.2", "post 1.2", "get 1.1"])
def test_yaz_client_finds_and_shows_a_record(yaz, server, tmp_path, method):
    out = run_yaz(yaz, server, ["find dc.title=编目规则", "show 1"], tmp_path, method)
    assert "Number of hits: 1" in out, out
    assert "pos=1 schema=info:srw/schema/1/marcxml-v1.1" in out
    assert '<record xmlns="http://www.loc.gov/MARC21/slim">' in out
    assert '<subfield code="a">中文文献编目规则</subfield>' in out
    assert '<subfield code="a">978-7-5013-4441-3</subfield>' in out
    assert "diagnostic" not in out.lower()


def test_yaz_client_searches_real_cnmarc_records(yaz, server, dp2_records, tmp_path):
    expected = [r for r in dp2_records if "发展报告" in extract(r).title and extract(r).year > 1996]
    assert 1 < len(expected) < len(dp2_records)
    out = run_yaz(yaz, server, ["find dc.title=发展报告 and dc.date>1996", "show 1+2"], tmp_path, "get 1.2")
    assert f"Number of hits: {len(expected)}" in out, out
    assert "pos=1 schema=" in out and "pos=2 schema=" in out
    controls = {r["001"].data for r in expected}
    shown = [c for c in controls if f'<controlfield tag="001">{c}</controlfield>' in out]
    assert len(shown) == 2

    isbn = next(v for r in dp2_records for f in r.get_fields("010") for v in f.get_subfields("a"))
    out = run_yaz(yaz, server, [f"find bath.isbn={isbn}", "show 1"], tmp_path)
    assert "Number of hits: 1" in out and f'<subfield code="a">{isbn}</subfield>' in out, out


def test_yaz_client_dublin_core_scan_and_diagnostics(yaz, server, tmp_path):
    out = run_yaz(yaz, server, ["schema dc", "find dc.title=rda", "show 1"], tmp_path, "get 1.2")
    assert "Number of hits: 1" in out and "schema=info:srw/schema/1/dc-v1.1" in out, out
    assert "<dc:title>RDA and cataloging practice</dc:title>" in out
    out = run_yaz(yaz, server, ["scan dc.title=中文"], tmp_path)
    assert "Received SRW Scan Response" in out and "中文文献编目规则: 1" in out, out
    assert "编目待审记录" not in out
    out = run_yaz(yaz, server, ["find dc.nothing=x", "find dc.title=待审"], tmp_path)
    assert "SRW diagnostic info:srw/diagnostic/1/16" in out and "Details: dc.nothing" in out, out
    assert "Number of hits: 0" in out
    out = run_yaz(yaz, server, ["explain"], tmp_path, "get 1.2")
    assert "schema=http://explain.z3950.org/dtd/2.0/" in out and "<zr:database>sru</zr:database>" in out, out


def test_form_post_needs_no_csrf_token(server):
    """The live server has CSRF on, as in production; SRU is exempt."""
    data = urllib.parse.urlencode({"operation": "searchRetrieve", "version": "1.2", "query": "dc.title=rda",
                                   "maximumRecords": "0"}).encode()
    with urllib.request.urlopen(urllib.request.Request(server, data=data), timeout=30) as resp:
        assert resp.status == 200 and resp.headers["Content-Type"] == "text/xml; charset=utf-8"
        doc = ET.fromstring(resp.read())
    assert doc.findtext("{http://www.loc.gov/zing/srw/}numberOfRecords") == "1"
