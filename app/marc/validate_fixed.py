"""Fixed-length data: the Leader, MARC 21 008 and the UNIMARC coded subfields (100$a, 105$a ...).

Positions, lengths and allowed codes come from the profile; the only logic here is choosing the
008 layout by material (Leader/06-07) and reporting each bad position once.
"""
from __future__ import annotations

from functools import lru_cache

from .profiles import FixedSpec, Profile, get_profile
from .validate_messages import show


@lru_cache(maxsize=None)
def fixed_subfields(profile_name: str) -> dict:
    """tag -> ((subfield code, spec), ...) for the coded subfields this profile checks."""
    out: dict = {}
    for key, spec in get_profile(profile_name).fixed.items():
        tag, _, code = key.partition("$")
        if code:
            out.setdefault(tag, []).append((code, spec))
    return {tag: tuple(items) for tag, items in out.items()}


@lru_cache(maxsize=256)
def _positions_for(spec: FixedSpec, rtype: str, level: str) -> tuple:
    """The positions to check for a record type, as (last index, window, test, position) tuples."""
    material = spec.material_by_type.get(rtype)
    if material == "books" and level and level in spec.continuing_levels:
        material = "continuing"
    positions = spec.positions + spec.by_material.get(material, ())
    return tuple((p.end, p.window, p.test, p) for p in positions)


def _positions(spec: FixedSpec, leader: str) -> tuple:
    if not spec.by_material:
        return _positions_for(spec, "", "")
    return _positions_for(spec, leader[6:7], leader[7:8])


def _check_positions(checks, value, tag, occ, code, where, out) -> None:
    size = len(value)
    for end, window, test, pos in checks:
        if end < size and not test(value[window]):
            at = f"{pos.start:02d}" if pos.start == pos.end else f"{pos.start:02d}-{pos.end:02d}"
            out.add("fixed.invalid_code", tag, occ, code, pos.start, pos.severity, where=where,
                    pos=at, label_zh=pos.label.zh, label_en=pos.label.en,
                    value=show(value[window]))


def check_fixed(spec: FixedSpec, value: str, tag: str, occ: int | None, code: str | None,
                out, leader: str) -> None:
    where = f"{tag}${code}" if code else tag
    if len(value) != spec.length:
        out.add("fixed.length", tag, occ, code, where=where, expected=spec.length, actual=len(value))
    _check_positions(_positions(spec, leader), value, tag, occ, code, where, out)


def check_leader(profile: Profile, leader: str, out) -> None:
    spec = profile.leader
    if len(leader) != spec.length:
        out.add("leader.length", "LDR", expected=spec.length, actual=len(leader))
    _check_positions(_positions_for(spec, "", ""), leader, "LDR", None, None, "LDR", out)
