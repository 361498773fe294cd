"""Z39.50 through YAZ's ZOOM API by ctypes, against a real yaz-ztest."""
import pytest

from app.catalog.external import sru, zoom
from app.catalog.external.errors import ExternalError
from app.marc.display import marc_view
from app.marc.io import read, to_bytes


@pytest.fixture
def z(ztest):
    if not zoom.available():
        pytest.fail(f"libyaz5 cannot be loaded although yaz-ztest is installed: {zoom.unavailable_reason()}")
    return ztest


def test_hit_count_and_iso2709_records(ctx, z):
    got = zoom.search(z.host, z.port, "Default", '@attr 1=4 "7"', max_records=3, timeout=5)
    assert got.total == 7 and len(got.records) == 3 and got.problems == []  # a numeric term sets the count
    first = got.records[0]
    assert first["245"]["a"] == "How to program a computer" and first["001"].data.strip() == "11224466"
    # What came as ISO 2709 writes back to ISO 2709 and reads again unchanged.
    again = next(read(to_bytes(first, "iso2709"), format="iso2709")).record
    assert marc_view(again) == marc_view(first)


def test_fewer_hits_than_asked_and_no_hits(ctx, z):
    got = zoom.search(z.host, z.port, "Default", "@attr 1=7 2", max_records=10, timeout=5)
    assert got.total == 2 and len(got.records) == 2
    none = zoom.search(z.host, z.port, "Default", "@attr 1=7 0", max_records=10, timeout=5)
    assert none.total == 0 and none.records == []


def test_the_same_records_as_sru(ctx, z):
    by_sru = sru.search(z.sru_url, "5", max_records=3, timeout=5)
    n = len(by_sru.records)
    assert n >= 1
    by_z = zoom.search(z.host, z.port, "Default", f"@attr 1=1016 {n}", max_records=3, timeout=5)
    # Same fields; only the leader's lengths and the character-coding flag may differ.
    assert [marc_view(r).split("\n")[1:] for r in by_z.records] == [marc_view(r).split("\n")[1:] for r in by_sru.records]


def test_terms_with_quotes_and_backslashes_stay_one_term(ctx, z):
    assert zoom.pqf_term('a "b" \\c') == '"a \\"b\\" \\\\c"'
    got = zoom.search(z.host, z.port, "Default", "@attr 1=4 " + zoom.pqf_term('4 "quoted" \\ term'),
                      max_records=1, timeout=5)
    assert got.total == 4 and len(got.records) == 1


def test_bib1_diagnostic_is_a_clear_error(ctx, z):
    with pytest.raises(ExternalError) as err:
        zoom.search(z.host, z.port, "NoSuchDatabase", "@attr 1=4 x", timeout=5)
    assert err.value.kind == "diagnostic" and err.value.code == 109
    assert "NoSuchDatabase" in str(err.value.message)


def test_records_that_are_not_marc_are_problems(ctx, z):
    got = zoom.search(z.host, z.port, "Default", "@attr 1=4 2", syntax="sutrs", max_records=2, timeout=5)
    assert got.total == 2 and got.records == [] and len(got.problems) == 2
    assert "SUTRS" in str(got.problems[0])


def test_bad_pqf_connection_refused_and_timeout(ctx, z, closed_port, silent_port):
    with pytest.raises(ExternalError) as err:
        zoom.search(z.host, z.port, "Default", "@and x", timeout=5)
    assert err.value.kind == "protocol"
    with pytest.raises(ExternalError) as err:
        zoom.search("127.0.0.1", closed_port, "Default", "@attr 1=4 x", timeout=2)
    assert err.value.kind == "connect" and str(closed_port) in str(err.value.message)
    with pytest.raises(ExternalError) as err:
        zoom.search("127.0.0.1", silent_port, "Default", "@attr 1=4 x", timeout=1)
    assert err.value.kind == "timeout"


def test_many_searches_release_their_handles(ctx, z):
    # Every handle is destroyed: a loop of searches neither fails nor leaks file descriptors.
    import os

    before = len(os.listdir("/proc/self/fd"))
    for _ in range(30):
        assert zoom.search(z.host, z.port, "Default", "@attr 1=4 1", max_records=1, timeout=5).total == 1
    assert len(os.listdir("/proc/self/fd")) <= before + 1


def test_without_libyaz_z3950_says_so(ctx, monkeypatch):
    monkeypatch.setattr(zoom, "_lib", None)
    monkeypatch.setattr(zoom, "_lib_problem", "libyaz.so.5: cannot open shared object file")
    with pytest.raises(ExternalError) as err:
        zoom.search("127.0.0.1", 210, "Default", "@attr 1=4 x")
    assert err.value.kind == "unavailable" and "libyaz5" in str(err.value.message)
    assert not zoom.available()
