"""URL converters every blueprint's routes use."""
from werkzeug.routing import IntegerConverter

# The largest id either database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class BoundedInt(IntegerConverter):
    """`<int:…>` no larger than any id can be: a longer number in an address is simply not found
    (404), where SQLite's driver raised OverflowError when it was looked up (a 500)."""

    def __init__(self, map, *args, max=MAX_ID, **kwargs):  # noqa: A002 - werkzeug's own argument name
        super().__init__(map, *args, max=min(max, MAX_ID) if max is not None else MAX_ID, **kwargs)
