"""PostgreSQL's work after a large load, on more than one connection at once.

Building an index, and VACUUM, keep one server process busy: PostgreSQL 15 builds a GIN index in
one process only. Building the text index alone took 16.4 s of the 28 s a load of 100,000 records
spent after its last batch, the other indexes and the statistics 12 s more, one after the other,
while the machine's second core had nothing to do (docs/benchmarks.md). Each job gets its own
connection. Index builds take no lock another build needs, on the same table or another (SHARE); a
foreign key's check does (it also locks the table it refers to): load_indexes adds the keys after
every index.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

# Connections at once: a server has at least two cores (the machine has two), and
# PostgreSQL already builds a B-tree with parallel workers of its own.
LANES = 2


def run_side_by_side(jobs: Sequence[Callable[[], object]], lanes: int = LANES) -> list:
    """Run `jobs` (each opens its own connection) at most `lanes` at once, in their order of
    start; every job runs even if another fails; the first failure, in the jobs' order, is raised
    once all are done. Returns their results in the jobs' order."""
    with ThreadPoolExecutor(max_workers=max(1, min(lanes, len(jobs))), thread_name_prefix="side-by-side") as pool:
        futures = [pool.submit(job) for job in jobs]
    for future in futures:
        if future.exception() is not None:
            raise future.exception()
    return [future.result() for future in futures]
