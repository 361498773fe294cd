"""PostgreSQL's reading of a tsvector literal, for tests that compare literals without a server."""
import re

_ENTRY = re.compile(r"'((?:[^']|'')*)':([\d,]+)")


def as_postgresql_reads_it(literal: str) -> dict[str, list[int]]:
    """The entries as PostgreSQL's input makes them: those of one token merged, its positions
    sorted, each once, the first 256."""
    entries: dict[str, set[int]] = {}
    for token, positions in _ENTRY.findall(literal):
        token = token.replace("''", "'").replace("\\\\", "\\")
        entries.setdefault(token, set()).update(map(int, positions.split(",")))
    return {token: sorted(p)[:256] for token, p in entries.items()}
