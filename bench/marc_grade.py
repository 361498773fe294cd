"""How fast is the grader? Median and p95 per candidate/reference pair.

    .venv/bin/python bench/marc_grade.py [--pairs 2000] [--seed 1]

Pairs: the built-in CNMARC and MARC 21 book records, the 10 real CNMARC records of the dp2 SRU
sample and the first 200 real MARC 21 records of marc4j_pride-and-prejudice-fixed.mrc, each graded
against a candidate made from it with 0–4 random slips (typos, deleted subfields or fields, wrong
indicators, superfluous fields, shuffled field order). Four timings:

  grade()        one call as the CLI makes it: rubric look-up, both records prepared, explained
  Grader.grade   reference prepared once (an exam round), candidate prepared and explained
  cold caches    grade() with the normalisation caches emptied before every pair (worst case)
  identical      grade() of a record against an unchanged copy of itself

The target is a median under 2 ms for a typical book record pair. No timing is asserted anywhere.
"""
from __future__ import annotations

import argparse
import copy
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pymarc import Indicators, Record, Subfield  # noqa: E402

from app.marc import normalise  # noqa: E402
from app.marc.grade import Grader, grade  # noqa: E402
from tests.marc._grade_records import (cnmarc_book, df, dp2_cnmarc_records,  # noqa: E402
                                       marc21_book, marc21_file_records)

SHARED = Path(os.environ.get("BIANMU_SHARED", REPO.parent / "shared"))


def references() -> list[Record]:
    refs = [cnmarc_book(), marc21_book()]
    data = SHARED / "data" / "marc"
    if data.is_dir():
        refs += dp2_cnmarc_records(data)
        refs += marc21_file_records(data, limit=200)
    else:
        print(f"(shared data not found at {data}: built-in records only)")
    return refs


def mutate(rec: Record, rng: random.Random) -> Record:
    cand = copy.deepcopy(rec)
    for _ in range(rng.randint(0, 4)):
        fields = [f for f in cand.fields if not f.is_control_field()]
        if not fields:
            break
        f = rng.choice(fields)
        kind = rng.choice(["typo", "typo", "delete_subfield", "indicator", "delete_field", "extra"])
        if kind == "typo" and f.subfields:
            k = rng.randrange(len(f.subfields))
            s = f.subfields[k]
            p = rng.randrange(max(1, len(s.value)))
            f.subfields[k] = Subfield(s.code, s.value[:p] + rng.choice("xq中文") + s.value[p + 1:])
        elif kind == "delete_subfield" and f.subfields:
            del f.subfields[rng.randrange(len(f.subfields))]
        elif kind == "indicator":
            f.indicators = Indicators(rng.choice(" 01"), rng.choice(" 04"))
        elif kind == "delete_field":
            cand.remove_field(f)
        elif kind == "extra":
            cand.add_field(df("500", "  ", ("a", f"Superfluous note {rng.random()}")))
    rng.shuffle(cand.fields)
    return cand


def clear_caches() -> None:
    for fn in (normalise.base, normalise.punct_key, normalise.loose_key, normalise.naco,
               normalise.isbn_key):
        fn.cache_clear()


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000.0


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (f"{name:<14} n={len(ms):5d}  median {statistics.median(ms):6.3f} ms   "
            f"p95 {p95:6.3f} ms   max {ms[-1]:7.3f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    refs = references()
    pairs = []
    for i in range(args.pairs):
        ref = refs[i % len(refs)]
        pairs.append((ref, mutate(ref, rng)))
    graders = {id(r): Grader(r) for r in refs}
    for ref, cand in pairs[:50]:  # warm-up: imports, rubric compilation
        grade(cand, ref)

    one_shot = [timed(lambda: grade(c, r)) for r, c in pairs]
    prepared = [timed(lambda: graders[id(r)].grade(c)) for r, c in pairs]
    cold = []
    for r, c in pairs[: max(200, args.pairs // 4)]:
        clear_caches()
        cold.append(timed(lambda: grade(c, r)))
    identical = [timed(lambda: grade(r, r)) for r in refs for _ in range(max(1, 400 // len(refs)))]
    scores = [grade(c, r).score for r, c in pairs]
    fields = statistics.mean(len(r.fields) for r, _ in pairs)

    print(f"{len(refs)} reference records, {len(pairs)} pairs, {fields:.1f} fields per reference")
    print(f"scores: median {statistics.median(scores):.1f}, min {min(scores):.1f}, "
          f"max {max(scores):.1f}")
    for name, ms in (("grade()", one_shot), ("Grader.grade", prepared), ("cold caches", cold),
                     ("identical", identical)):
        print(summary(name, ms))


if __name__ == "__main__":
    main()
