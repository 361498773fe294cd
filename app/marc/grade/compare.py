"""Field-against-field comparison: indicators, subfields and fixed positions → deductions.

Values are compared on a ladder of keys (see app.marc.normalise): equal after NFKC and white
space means no deduction; equal once punctuation, case, spacing or diacritics are dropped means a
small cosmetic deduction; otherwise the loss is a share of the subfield's points that grows as
the Levenshtein similarity falls. Deductions are plain `Ded` objects; words come later
(explain.py), only for the pairs the alignment keeps, so the similarity matrices stay cheap.
"""
from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from ..normalise import (base, isbn_clean, isbn_key, isbn_valid, loose_key, punct_key,
                         strip_brackets, strip_diacritics)
from .align import assign
from .rubric import FieldSpec, SubfieldSpec

_BLANKS = str.maketrans({"#": " ", "\\": " ", "_": " "})
_LEADER_BLANKS = str.maketrans({"#": " ", "\\": " ", "_": " ", "-": " "})


class Ded:
    """One deduction before it is put into words."""
    __slots__ = ("code", "points", "sub", "cand", "exp", "info")

    def __init__(self, code, points, sub=None, cand=None, exp=None, info=None):
        self.code = code
        self.points = points
        self.sub = sub
        self.cand = cand
        self.exp = exp
        self.info = info

    def __repr__(self):
        return f"Ded({self.code}, {self.points:.2f}, {self.sub!r}, {self.cand!r}, {self.exp!r})"


class PSub:
    __slots__ = ("code", "raw", "pos")

    def __init__(self, code, raw, pos):
        self.code = code
        self.raw = raw
        self.pos = pos


class PField:
    """A field as the grader sees it: graded subfields only, blanks normalised, a signature for
    spotting identical fields without comparing them."""
    __slots__ = ("tag", "ind", "subs", "data", "spec", "occurrence", "sig", "field", "order")

    def __init__(self, tag, ind, subs, data, spec, occurrence, field, order):
        self.tag = tag
        self.ind = ind
        self.subs = subs
        self.data = data
        self.spec = spec
        self.occurrence = occurrence
        self.field = field
        self.order = order
        if data is not None:
            self.sig = (tag, base(data))
        else:
            self.sig = (tag, ind, tuple((s.code, base(s.raw)) for s in subs))


def norm_indicator(ch) -> str:
    ch = (ch or " ")[:1]
    return " " if ch in " #\\_-" else ch


def fixed_data(tag: str, data: str) -> str:
    return (data or "").translate(_LEADER_BLANKS if tag == "LDR" else _BLANKS)


# --- values ----------------------------------------------------------------------------------

def _cosmetic(c: str, r: str, bc: str, br: str, fspec: FieldSpec, points: float) -> list:
    """The kinds of cosmetic difference between two values whose loose keys agree (up to
    spaces): letter case or diacritics, spacing, punctuation - each counted once."""
    out = []
    pc, pr = punct_key(c), punct_key(r)
    pcs, prs = pc.replace(" ", ""), pr.replace(" ", "")
    if pcs != prs:
        out.append(("case", fspec.case) if pcs.casefold() == prs.casefold()
                   else ("diacritics", fspec.diacritics))
    if pc != pr and pcs == prs:
        out.append(("spacing", fspec.spacing))
    if _bare(bc) != _bare(br):
        out.append(("punctuation", fspec.punctuation))
    if not out:  # spaces next to CJK characters, which punct_key drops
        out.append(("spacing", fspec.spacing) if bc.replace(" ", "") == br.replace(" ", "")
                   else ("punctuation", fspec.punctuation))
    total = sum(p for _, p in out)
    if total > points and total > 0:
        k = points / total
        out = [(code, p * k) for code, p in out]
    return out


def _bare(b: str) -> str:
    """Punctuation kept, everything else cosmetic folded: tells a punctuation slip apart."""
    return strip_diacritics(b).casefold().replace(" ", "")


def _same_but_spaces(a: str, b: str) -> bool:
    return a == b or a.replace(" ", "") == b.replace(" ", "")


def compare_value(c: str, r: str, sspec: SubfieldSpec, fspec: FieldSpec) -> list:
    """[(code, points, note)] for one candidate value against one reference value."""
    m = sspec.match
    if m == "isbn":
        return _compare_isbn(c, r, sspec, fspec)
    bc, br = base(c), base(r)
    if fspec.brackets == "ignore":
        bc, br = strip_brackets(bc), strip_brackets(br)
    if bc == br:
        return []
    if m == "exact":
        if bc.casefold() == br.casefold() or _same_but_spaces(loose_key(c), loose_key(r)):
            return [(code, p, None) for code, p in _cosmetic(c, r, bc, br, fspec, sspec.points)]
        return [("value", sspec.points, None)]
    if m == "class":
        return _compare_class(c, r, sspec, fspec, bc, br)
    lc, lr = loose_key(c), loose_key(r)
    if fspec.brackets == "significant" and (bc.count("[") != br.count("[")):
        lc, lr = lc + "[" * bc.count("["), lr + "[" * br.count("[")
    if _same_but_spaces(lc, lr):
        return [(code, p, None) for code, p in _cosmetic(c, r, bc, br, fspec, sspec.points)]
    dist = Levenshtein.distance(lc, lr)
    s = 1.0 - dist / max(len(lc), len(lr))
    partial = fspec.partial
    typo = s >= partial.typo or (dist <= partial.typo_edits and s >= 0.5)
    return [("typo" if typo else "value", sspec.points * partial.fraction(s, typo), None)]


def _compare_isbn(c, r, sspec, fspec):
    kc, kr = isbn_key(c), isbn_key(r)
    if kr is None:  # the reference holds no valid ISBN (e.g. 020 $z): compare the digits
        if isbn_clean(c) == isbn_clean(r):
            return []
        return [("value", sspec.points, None)]
    if kc == kr:
        if isbn_clean(c) == isbn_clean(r):
            return []  # hyphenation or a qualifier: not an error
        return [("isbn_form", min(fspec.punctuation, sspec.points), None)]
    note = None if isbn_valid(c) else "invalid"
    return [("value", sspec.points, note)]


def _compare_class(c, r, sspec, fspec, bc, br):
    """Class numbers: broader or narrower than the reference earns part of the points, a sibling
    class less, another main class nothing."""
    kc = bc.replace(" ", "").upper()
    kr = br.replace(" ", "").upper()
    if kc == kr:
        return [(code, p, None) for code, p in _cosmetic(c, r, bc, br, fspec, sspec.points)]
    if not kc or not kr or kc[0] != kr[0]:
        return [("value", sspec.points, None)]
    lcp = 0
    for a, b in zip(kc, kr):
        if a != b:
            break
        lcp += 1
    s = lcp / max(len(kc), len(kr))
    if kr.startswith(kc):
        return [("class", sspec.points * (0.25 + 0.5 * (1 - s)), "broader")]
    if kc.startswith(kr):
        return [("class", sspec.points * (0.25 + 0.5 * (1 - s)), "narrower")]
    return [("class", sspec.points * (1 - 0.5 * s), None)]


def compare_positions(c: str, r: str, positions, tag: str, sub=None) -> list:
    c, r = fixed_data(tag, c), fixed_data(tag, r)
    out = []
    for p in positions:
        cv = c[p.start:p.end + 1].ljust(p.end - p.start + 1)
        rv = r[p.start:p.end + 1].ljust(p.end - p.start + 1)
        if cv != rv:
            out.append(Ded("position", p.points, sub, cv, rv, p))
    return out


# --- fields ----------------------------------------------------------------------------------

def compare_fields(c: PField, r: PField, spec: FieldSpec) -> tuple[float, list]:
    """(cost, deductions) of candidate field `c` standing for reference field `r`."""
    deds: list[Ded] = []
    if r.data is not None or c.data is not None:
        cd, rd = c.data or "", r.data or ""
        if spec.positions:
            deds = compare_positions(cd, rd, spec.positions, r.tag)
        elif base(cd) != base(rd):
            deds = [Ded("value", spec.weight, None, cd, rd)]
    else:
        for i in (0, 1):
            if c.ind[i] != r.ind[i] and spec.ind[i] > 0:
                deds.append(Ded("indicator", spec.ind[i], None, c.ind[i], r.ind[i], i + 1))
        if c.sig[2] != r.sig[2]:
            sub_deds: list[Ded] = []
            _compare_subfields(c.subs, r.subs, spec, sub_deds, r.tag)
            deds.extend(_recoded(c.subs, r.subs, spec, sub_deds))
    total = 0.0
    for d in deds:
        total += d.points
    if total > spec.weight:
        k = spec.weight / total
        for d in deds:
            d.points *= k
        total = spec.weight
    return total, deds


def _text_subs(subs, spec: FieldSpec):
    return [s for s in subs if (sp := spec.sub(s.code)) is not None and sp.match == "text"]


def _recoded(csubs, rsubs, spec: FieldSpec, sub_deds: list) -> list:
    """The text may be right but cut into subfields differently ("$aTitle : subtitle" for
    "$aTitle :$bsubtitle"): then it is one subfield-coding error (OCLC's -5 kind), not a wrong
    title plus a missing subtitle. The candidate's text is cut where the reference's subfields
    meet (by edit alignment) and each piece compared with its subfield; whichever reading
    costs less is kept."""
    if not sub_deds or spec.coding <= 0:
        return sub_deds
    ct, rt = _text_subs(csubs, spec), _text_subs(rsubs, spec)
    if not ct or not rt or sorted(s.code for s in ct) == sorted(s.code for s in rt):
        return sub_deds
    codes = {s.code for s in ct} | {s.code for s in rt}
    parts = [loose_key(s.raw) for s in rt]
    pieces = _cut_like(parts, " ".join(loose_key(s.raw) for s in ct))
    alt = [Ded("coding", spec.coding, None, "".join(f"${s.code}{s.raw}" for s in ct),
               "".join(f"${s.code}{s.raw}" for s in rt))]
    partial = spec.partial
    for rs, part, piece in zip(rt, parts, pieces):
        if _same_but_spaces(part, piece):
            continue
        sspec = spec.sub(rs.code)
        dist = Levenshtein.distance(part, piece)
        sim = 1.0 - dist / max(len(part), len(piece))
        typo = sim >= partial.typo or (dist <= partial.typo_edits and sim >= 0.5)
        alt.append(Ded("typo" if typo else "value", sspec.points * partial.fraction(sim, typo),
                       rs.code, piece, rs.raw, (None, sspec)))
    rest = [d for d in sub_deds if d.sub not in codes]
    alt_cost = sum(d.points for d in alt) + sum(d.points for d in rest)
    if alt_cost < sum(d.points for d in sub_deds):
        return alt + rest
    return sub_deds


def _cut_like(parts: list[str], text: str) -> list[str]:
    """Cut `text` into len(parts) pieces where the joined `parts` have their boundaries."""
    joined = " ".join(parts)
    ops = list(Levenshtein.opcodes(joined, text))

    def at(i: int) -> int:
        for op in ops:
            if op.src_start <= i < op.src_end:
                if op.tag == "delete":
                    return op.dest_start
                return op.dest_start + min(i - op.src_start, op.dest_end - op.dest_start)
        return len(text)

    pieces, pos = [], 0
    for part in parts:
        start, end = pos, pos + len(part)
        pieces.append(text[at(start):at(end)].strip() if part else "")
        pos = end + 1
    return pieces


def _compare_subfields(csubs, rsubs, spec: FieldSpec, deds: list, tag: str) -> None:
    by_r: dict[str, list] = {}
    for s in rsubs:
        by_r.setdefault(s.code, []).append(s)
    by_c: dict[str, list] = {}
    for s in csubs:
        by_c.setdefault(s.code, []).append(s)
    matched = []
    codes = list(by_r) + [k for k in by_c if k not in by_r]
    for code in codes:
        sspec = spec.sub(code)
        if sspec is None:
            continue
        rl = by_r.get(code, ())
        cl = by_c.get(code, ())
        if len(rl) == 1 and len(cl) == 1:
            pairs = [(cl[0], rl[0], _value_deds(cl[0], rl[0], sspec, spec, tag))]
        elif rl and cl:
            pairs = _assign_values(cl, rl, sspec, spec, tag)
        else:
            pairs = []
        used_c = {id(p[0]) for p in pairs}
        used_r = {id(p[1]) for p in pairs}
        for cs, rs, vd in pairs:
            matched.append((cs.pos, rs.pos, code))
            deds.extend(vd)
        for rs in rl:
            if id(rs) not in used_r:
                deds.append(Ded("missing_subfield", sspec.points, code, None, rs.raw, sspec))
        for cs in cl:
            if id(cs) not in used_c:
                deds.append(Ded("extra_subfield", sspec.points * spec.extra_subfield, code, cs.raw,
                                None, sspec))
    if spec.order > 0 and len(matched) > 1:
        matched.sort()
        last = -1
        for _, rpos, _ in matched:
            if rpos < last:
                cand_seq = "".join("$" + m[2] for m in matched)
                exp_seq = "".join("$" + m[2] for m in sorted(matched, key=lambda m: m[1]))
                deds.append(Ded("order", spec.order, None, cand_seq, exp_seq))
                break
            last = rpos


def _value_deds(cs: PSub, rs: PSub, sspec: SubfieldSpec, spec: FieldSpec, tag: str) -> list:
    if sspec.match == "positions":
        if cs.raw == rs.raw:
            return []
        return compare_positions(cs.raw, rs.raw, sspec.positions, tag, cs.code)
    return [Ded(code, pts, cs.code, cs.raw, rs.raw, (note, sspec))
            for code, pts, note in compare_value(cs.raw, rs.raw, sspec, spec) if pts > 0]


def _assign_values(cl, rl, sspec, spec, tag):
    """Repeated subfield codes (210 $a, 606 $x…): pair them by least total loss."""
    detail = [[_value_deds(cs, rs, sspec, spec, tag) for rs in rl] for cs in cl]
    cost = [[sum(d.points for d in row) for row in drow] for drow in detail]
    return [(cl[i], rl[j], detail[i][j]) for i, j in assign(cost)]
