"""`flask --app wsgi catalog fetch`."""
from app.marc.io import read


def _run(ctx, *args):
    return ctx.test_cli_runner().invoke(args=["catalog", "fetch", *args])


def test_fetch_prints_marcmaker(ctx, zt_targets):
    result = _run(ctx, "zt-z3950", "--title", "3", "--max", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("=LDR  ") == 2 and "=245  10$aHow to program a computer" in result.stdout
    assert result.stderr.strip() == 'zt-z3950: 3 found, 2 written (@attr 1=4 "3")'


def test_fetch_saves_iso2709_and_marcxml(ctx, zt_targets, tmp_path):
    out = tmp_path / "got.mrc"
    result = _run(ctx, "zt-sru", "--any", "4", "--format", "iso2709", "--output", str(out))
    assert result.exit_code == 0, result.output
    records = [r.record for r in read(out) if r.ok]
    assert len(records) >= 1 and records[0]["245"]["a"] == "How to program a computer"
    xml = tmp_path / "got.xml"
    assert _run(ctx, "zt-z3950", "--isbn", "0-8389-1234-6", "--max", "1", "--format", "marcxml",
                "-o", str(xml)).exit_code == 0
    assert xml.read_bytes().startswith(b"<?xml") and len([r for r in read(xml) if r.ok]) == 1


def test_fetch_lists_targets(ctx, zt_targets):
    result = _run(ctx, "--list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("zt-sru\tsru\thttp://127.0.0.1:") and any(line.endswith("(disabled)") for line in lines)


def test_fetch_errors_are_one_line(ctx, zt_targets):
    for args, code, says in (
        (["nope", "--title", "x"], 2, "no external catalogue"),
        (["zt-sru"], 2, "exactly one of"),
        (["zt-sru", "--title", "x", "--isbn", "1"], 2, "exactly one of"),
        (["zt-sru", "--isbn", "banana"], 2, "not an ISBN"),
        (["refused-sru", "--title", "x"], 1, "Could not connect"),
        (["zt-missing-db", "--title", "x"], 1, "diagnostic 109"),
    ):
        result = _run(ctx, *args)
        assert result.exit_code == code, (args, result.output)
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
        assert says in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
