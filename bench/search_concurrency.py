"""Searches under concurrent load: throughput and latency with N clients at once, with PostgreSQL's
reading of a large result's newest hits beside its count (`newest_ahead`) and without it.

    .venv/bin/python bench/search_concurrency.py --engine postgresql --clients 1 2 4 --passes 2

Reading ahead gives one search a second core; when every core is already busy with other searches
it can only add its own round trips. This measures both sides. Each client is a process of its own
with the application, as a gunicorn worker is, running the query mix of catalog_bench.py (with the
OPAC's five facets, as the OPAC asks) from a different starting point; the clients start together
(a barrier). The two variants take turns for each number of clients. Throughput is searches per
second of wall time over all clients; latency is per search. Run it against the 1M database of
catalog_bench.py (stage 1m). Output: one JSON object per line on stdout (also appended to
bench/out/concurrency-<engine>.jsonl) and a table on stderr. Timings are never asserted anywhere.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import catalog_bench as cb  # noqa: E402


def _client(engine: str, ahead: bool, queries: list[dict], offset: int, passes: int, barrier, out) -> None:
    app = cb.make_app(engine)
    with app.app_context():
        from app.catalog.search import FACETS, SearchBackend, backend
        from app.catalog.views import queryform
        from app.catalog.views.opac import PUBLIC
        from app.core.runtime import settle
        from app.extensions import db

        if not ahead:
            type(backend()).newest_ahead = SearchBackend.newest_ahead
        settle()
        parsed = [queryform.parse(q["args"]) for q in queries[offset:] + queries[:offset]]

        def one(p):
            db.session.rollback()  # each search is its own request
            start = time.perf_counter()
            backend().search(p.node, page=1, per_page=p.per_page, sort=p.sort, facets=FACETS, base_filter=PUBLIC)
            return (time.perf_counter() - start) * 1000

        for p in parsed[:20]:  # warm-up
            one(p)
        barrier.wait()
        out.put([one(p) for _ in range(passes) for p in parsed])


def run(engine: str, ahead: bool, clients: int, queries: list[dict], passes: int) -> dict:
    ctx = multiprocessing.get_context("spawn")  # no connection pool crosses a fork
    barrier, out = ctx.Barrier(clients + 1), ctx.Queue()
    procs = [ctx.Process(target=_client, args=(engine, ahead, queries, i * len(queries) // clients, passes,
                                               barrier, out)) for i in range(clients)]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    times = [t for _ in procs for t in out.get()]
    wall = time.perf_counter() - start
    for p in procs:
        p.join()
    return {"engine": engine, "ahead": ahead, "clients": clients, "searches": len(times),
            "wall_s": round(wall, 2), "per_second": round(len(times) / wall, 1),
            "p50_ms": round(cb.pct(times, 50), 1), "p95_ms": round(cb.pct(times, 95), 1),
            "mean_ms": round(statistics.fmean(times), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args()
    with cb.make_app(args.engine).app_context():
        queries = cb.build_queries()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    cb.OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for clients in args.clients:
        for ahead in (False, True) if clients % 2 else (True, False):  # which goes first alternates
            row = {"run": stamp, "commit": cb.code_version()["commit"], "loadavg": list(os.getloadavg()),
                   **run(args.engine, ahead, clients, queries, args.passes)}
            rows.append(row)
            line = json.dumps(row)
            print(line, flush=True)
            with open(cb.OUT / f"concurrency-{args.engine}.jsonl", "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
    cb.say(f"\n{args.engine}: searches with facets, {len(queries)} queries x {args.passes} passes per client")
    cb.say("| clients | read ahead | searches/s | p50 ms | p95 ms | mean ms |")
    cb.say("|---|---|---|---|---|---|")
    for r in sorted(rows, key=lambda r: (r["clients"], r["ahead"])):
        cb.say(f"| {r['clients']} | {'yes' if r['ahead'] else 'no'} | {r['per_second']} | {r['p50_ms']} | "
               f"{r['p95_ms']} | {r['mean_ms']} |")


if __name__ == "__main__":
    main()
