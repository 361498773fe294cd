"""What a long-lived process does once it has started, before it serves requests."""
import gc

from sqlalchemy.orm import configure_mappers


def settle() -> None:
    """Move the objects made at start-up out of the garbage collector's way.

    They live as long as the process, yet every full collection walked them all: in a benchmark run
    of about 700 catalogue searches, 31 full collections of about 70 ms each fell inside searches
    and were most of the slowest twentieth (docs/benchmarks.md). gc.freeze() keeps them out of
    later collections. The mappers are configured first, so that their objects are frozen too.
    """
    configure_mappers()
    gc.freeze()
