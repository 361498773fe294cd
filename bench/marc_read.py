"""How fast the I/O layer reads ISO 2709, against pymarc's own parse-only rate, in one run.

    .venv/bin/python bench/marc_read.py                 # ~20k records built from the shared set
    .venv/bin/python bench/marc_read.py --file BIG.mrc  # any ISO 2709 file

Each measured pipeline is one function taking a path and returning the number of records it got;
add a pipeline (read + validate, read + index …) by writing a function and listing it in PIPELINES.
The first entry is the baseline the others are compared with. The issue's target: read + validate
at least half of pymarc's parse-only rate.
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pymarc import MARCReader  # noqa: E402

from app.marc.io import read  # noqa: E402
from app.marc.validate import validate  # noqa: E402

SHARED = Path(os.environ.get("BIANMU_SHARED", REPO.parent / "shared"))
DEFAULT_INPUTS = ("marc21/evergreen_jazz_1k.mrc", "marc21/marc4j_pride-and-prejudice-fixed.mrc")
TARGET_RECORDS = 20_000


def pymarc_parse_only(path: Path) -> int:
    """Baseline: pymarc's MARCReader over the file, to Unicode, nothing else."""
    count = 0
    with open(path, "rb") as fh:
        for record in MARCReader(fh, to_unicode=True, hide_utf8_warnings=True):
            if record is not None:
                count += 1
    return count


def io_read(path: Path) -> int:
    """app.marc.io.read(): format detection, resynchronisation, charset check, NFC."""
    return sum(1 for result in read(path) if result.ok)


def io_read_validate(path: Path) -> int:
    """read() and validate() every record, reading each finding's code as the importer would."""
    count = 0
    for result in read(path):
        if result.ok:
            findings = validate(result.record)
            sum(1 for f in findings if f.severity == "error")
            count += 1
    return count


PIPELINES: list[tuple[str, Callable[[Path], int]]] = [
    ("pymarc parse-only", pymarc_parse_only),
    ("app.marc.io.read", io_read),
    ("read + validate", io_read_validate),
]


def build_default_input(directory: str) -> Path:
    """The two default files concatenated and repeated to about TARGET_RECORDS records."""
    one_round = b"".join((SHARED / "data" / "marc" / name).read_bytes() for name in DEFAULT_INPUTS)
    per_round = sum(1 for r in read(one_round) if r.ok)
    rounds = max(1, round(TARGET_RECORDS / per_round))
    path = Path(directory) / "bench_input.mrc"
    with open(path, "wb") as fh:
        for _ in range(rounds):
            fh.write(one_round)
    return path


def measure_all(path: Path, repeat: int) -> list[tuple[str, int, float]]:
    """(name, records, median seconds) per pipeline. The pipelines take turns within each round,
    so that a busy neighbour on a shared machine slows them all alike and the ratios stay fair."""
    times: dict[str, list[float]] = {name: [] for name, _ in PIPELINES}
    counts: dict[str, int] = {}
    for _ in range(repeat):
        for name, fn in PIPELINES:
            start = time.perf_counter()
            counts[name] = fn(path)
            times[name].append(time.perf_counter() - start)
    return [(name, counts[name], statistics.median(times[name])) for name, _ in PIPELINES]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="ISO 2709 file to read (default: built from the shared set)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per pipeline; the median is reported")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")

    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or build_default_input(tmp)
        size = path.stat().st_size
        print(f"input: {path} ({size / 1e6:.1f} MB), median of {args.repeat} interleaved rounds")
        baseline = None
        for name, count, seconds in measure_all(path, args.repeat):
            rate = count / seconds if seconds else float("inf")
            baseline = baseline or rate
            print(f"{name:28s} {count:8d} records {seconds:8.2f} s {rate:10.0f} records/s "
                  f"ratio {rate / baseline:5.2f}")


if __name__ == "__main__":
    main()
