"""The configured list of external catalogues."""
import pytest

from app.catalog.external.errors import ExternalError
from app.catalog.external.targets import DEFAULT_FILE, get_target, load_targets, parse_targets

from .conftest import write_targets


def test_the_shipped_list_holds_the_library_of_congress_and_a_disabled_nii():
    targets = {t.name: t for t in load_targets(DEFAULT_FILE)}
    sru = targets["loc-sru"]
    assert (sru.protocol, sru.url, sru.version, sru.record_schema) == ("sru", "http://lx2.loc.gov:210/LCDB", "1.1",
                                                                       "marcxml")
    z = targets["loc-z3950"]
    assert (z.protocol, z.host, z.port, z.database, z.record_syntax, z.encoding) == (
        "z3950", "lx2.loc.gov", 210, "LCDB", "usmarc", "utf-8")
    assert targets["loc-z3950-marc8"].database == "LCDB_MARC8" and targets["loc-z3950-marc8"].encoding == "marc8"
    nii = targets["nii-sru"]
    assert nii.enabled is False and nii.url == ""  # no invented address: it is given on registration
    assert all(t.label_zh and t.label_en for t in targets.values())


def test_the_file_is_chosen_by_config_and_environment(ctx, tmp_path, monkeypatch):
    path = write_targets(tmp_path / "mine.yaml", [{"name": "mine", "protocol": "sru", "url": "https://x.example/sru"}])
    monkeypatch.setenv("EXTERNAL_TARGETS_FILE", path)
    assert [t.name for t in load_targets()] == ["mine"]
    other = write_targets(tmp_path / "other.yaml", [{"name": "other", "protocol": "sru", "url": "https://y.example/"}])
    monkeypatch.setitem(ctx.config, "EXTERNAL_TARGETS_FILE", other)  # the app config wins
    assert get_target("other").url == "https://y.example/"
    with pytest.raises(ExternalError) as err:
        get_target("mine")
    assert err.value.kind == "config" and err.value.field == "target"


def test_a_changed_file_is_read_again(ctx, tmp_path, monkeypatch):
    path = tmp_path / "t.yaml"
    write_targets(path, [{"name": "a", "protocol": "sru", "url": "http://a.example/"}])
    monkeypatch.setitem(ctx.config, "EXTERNAL_TARGETS_FILE", str(path))
    assert [t.name for t in load_targets()] == ["a"]
    write_targets(path, [{"name": "a", "protocol": "sru", "url": "http://a.example/"},
                         {"name": "bb", "protocol": "sru", "url": "http://b.example/"}])
    assert [t.name for t in load_targets()] == ["a", "bb"]


@pytest.mark.parametrize("entry, says", [
    ({"name": "x", "protocol": "http"}, "'protocol'"),
    ({"name": "bad name", "protocol": "sru", "url": "http://a/"}, "'name'"),
    ({"name": "x", "protocol": "sru", "url": "ftp://a/"}, "'url'"),
    ({"name": "x", "protocol": "sru", "url": "http://a/sru?version=1.1"}, "without '?"),
    ({"name": "x", "protocol": "sru", "url": "http://a/", "version": "3.0"}, "'version'"),
    ({"name": "x", "protocol": "z3950", "address": "lx2.loc.gov:210"}, "'address'"),
    ({"name": "x", "protocol": "z3950", "address": "h:99999/DB"}, "'address'"),
    ({"name": "x", "protocol": "z3950", "address": "h/DB", "encoding": "klingon"}, "'encoding'"),
    ({"name": "x", "protocol": "z3950", "address": "h/DB", "indexes": {"title": "dc.title"}}, "Bib-1"),
    ({"name": "x", "protocol": "sru", "url": "http://a/", "indexes": {"subject": "dc.subject"}}, "'indexes'"),
    ({"name": "x", "protocol": "sru", "url": "http://a/", "timeout": 0}, "'timeout'"),
    ({"name": "x", "protocol": "sru", "url": "http://a/", "colour": "red"}, "unknown key"),
])
def test_a_wrong_entry_is_named_with_what_is_wrong(entry, says):
    with pytest.raises(ExternalError) as err:
        parse_targets({"targets": [entry]}, "t.yaml")
    assert err.value.kind == "config"
    text = str(err.value.message)
    assert "t.yaml" in text and says in text


def test_names_are_unique_and_the_file_must_be_a_list(tmp_path):
    entry = {"name": "x", "protocol": "sru", "url": "http://a/"}
    with pytest.raises(ExternalError, match="twice"):
        parse_targets({"targets": [entry, entry]})
    for data in (None, [], {"targets": "x"}):
        with pytest.raises(ExternalError):
            parse_targets(data)
    broken = tmp_path / "broken.yaml"
    broken.write_text("targets: [\n", encoding="utf-8")
    with pytest.raises(ExternalError) as err:
        load_targets(broken)
    assert err.value.kind == "config"
    with pytest.raises(ExternalError):
        load_targets(tmp_path / "missing.yaml")


def test_defaults_and_index_overrides():
    t, z = parse_targets({"targets": [
        {"name": "s", "protocol": "sru", "url": "http://a/sru", "indexes": {"keyword": "cql.anywhere"}},
        {"name": "z", "protocol": "z3950", "address": "z.example/Books", "indexes": {"title": 5}},
    ]})
    assert (t.version, t.record_schema, t.timeout, t.enabled) == ("1.1", "marcxml", 15.0, True)
    assert t.index_for("keyword") == "cql.anywhere" and t.index_for("title") == "dc.title"
    assert (z.port, z.record_syntax, z.encoding) == (210, "usmarc", None)
    assert z.index_for("title") == 5 and z.index_for("isbn") == 7
    assert z.where == "z.example:210/Books" and t.where == "a/sru"
