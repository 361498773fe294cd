"""grade(candidate, references): the score of a cataloguing task, explained.

The score is 100 minus deductions, each bounded by the weight of the field it falls on, in the
spirit of OCLC's Enhance evaluation (out of 100, fixed deductions by kind of error) rather than a
ratio of fields matched: a missing 300 costs the same in a short record as in a long one.
Against several acceptable references the best score counts.
"""
from __future__ import annotations

from pymarc import Record

from ..display import field_line, record_flavour
from .align import align
from .compare import Ded, PField, PSub, compare_fields, norm_indicator
from .explain import explain, field_extra, field_missing, wrong_tag
from .result import FieldGrade, GradeResult
from .rubric import Rubric, default_rubric, load_rubric


def prepare(record: Record, rubric: Rubric) -> dict[str, list[PField]]:
    """The graded fields of `record`, grouped by tag family."""
    out: dict[str, list[PField]] = {}
    occ: dict[str, int] = {}
    spec = rubric.spec_for("LDR")
    if spec is not None and record.leader is not None:
        out.setdefault(rubric.family_of("LDR"), []).append(
            PField("LDR", None, (), str(record.leader), spec, 1, None, -1))
    for order, f in enumerate(record.fields):
        tag = f.tag
        occ[tag] = n = occ.get(tag, 0) + 1
        spec = rubric.spec_for(tag)
        if spec is None:
            continue
        if f.is_control_field():
            pf = PField(tag, None, (), f.data or "", spec, n, f, order)
        else:
            ind = f.indicators or ("", "")
            ign = spec.ignore_codes
            subs = tuple(PSub(s.code, s.value or "", k) for k, s in enumerate(f.subfields)
                         if s.code not in ign)
            pf = PField(tag, (norm_indicator(ind[0]), norm_indicator(ind[1])), subs, None, spec,
                        n, f, order)
        out.setdefault(rubric.family_of(tag), []).append(pf)
    return out


def _line(pf: PField) -> str:
    if pf.field is None:
        return f"LDR {pf.data}"
    return field_line(pf.field)


class Grader:
    """References prepared once, for grading many candidates (an exam round) against them."""

    def __init__(self, references, rubric=None):
        if isinstance(references, Record):
            references = [references]
        self.references = list(references)
        if not self.references:
            raise ValueError("at least one reference record is needed")
        if rubric is None:
            rubric = default_rubric(record_flavour(self.references[0]))
        self.rubric = load_rubric(rubric)
        self._prepared = [prepare(r, self.rubric) for r in self.references]

    def grade(self, candidate: Record) -> GradeResult:
        cp = prepare(candidate, self.rubric)
        outcomes = [self._score(cp, rp) for rp in self._prepared]
        best = min(range(len(outcomes)), key=lambda i: (outcomes[i][0], i))
        scores = [_score(o[0]) for o in outcomes]
        fields = self._explain(outcomes[best][1])
        groups = self._groups(fields)
        return GradeResult(score=scores[best], reference_index=best, fields=fields,
                           rubric=self.rubric.name, flavour=self.rubric.flavour,
                           reference_scores=scores, groups=groups)

    # --- scoring -----------------------------------------------------------------------
    def _score(self, cp: dict, rp: dict):
        tag_points = self.rubric.tag_points

        def pair_cost(c: PField, r: PField):
            cost, deds = compare_fields(c, r, r.spec)
            if c.tag != r.tag:
                cost += tag_points
                deds = [Ded("tag", tag_points, None, c.tag, r.tag)] + deds
            return cost, deds

        def miss_cost(r: PField) -> float:
            return r.spec.weight

        def extra_cost(c: PField) -> float:
            return c.spec.extra

        total = 0.0
        items = []
        for fam in rp.keys() | cp.keys():
            pairs, missing, extra = align(cp.get(fam, ()), rp.get(fam, ()), pair_cost, miss_cost,
                                          extra_cost)
            for c, r, cost, deds in pairs:
                total += cost
                items.append(("pair", c, r, cost, deds))
            for r in missing:
                total += r.spec.weight
                items.append(("missing", None, r, r.spec.weight, None))
            for c in extra:
                total += c.spec.extra
                items.append(("extra", c, None, c.spec.extra, None))
        return total, items

    # --- words -------------------------------------------------------------------------
    def _explain(self, items) -> list[FieldGrade]:
        gen = self.rubric.punct_note
        out = []
        for kind, c, r, cost, deds in items:
            if kind == "missing":
                spec = r.spec
                line = _line(r)
                fg = FieldGrade(r.tag, r.occurrence, 0.0, spec.weight, "missing", spec.group,
                                None, None, line, [field_missing(r.tag, spec, line, cost)])
                key = (0, r.order)
            elif kind == "extra":
                spec = c.spec
                line = _line(c)
                ded = [field_extra(c.tag, spec, line, cost)] if cost > 0 else []
                fg = FieldGrade(c.tag, c.occurrence, 0.0, 0.0, "extra", spec.group, c.tag, line,
                                None, ded)
                key = (1, c.order)
            else:
                spec = r.spec
                words = []
                for d in deds:
                    if d.points <= 0:
                        continue
                    if d.code == "tag":
                        words.append(wrong_tag(r.tag, c.tag, spec, d.points))
                    else:
                        words.append(explain(d, r.tag, gen))
                status = "partial" if words else "match"
                fg = FieldGrade(r.tag, r.occurrence, max(0.0, spec.weight - cost), spec.weight,
                                status, spec.group, c.tag, _line(c), _line(r), words)
                key = (0, r.order)
            out.append((key, fg))
        out.sort(key=lambda kv: kv[0])
        return [fg for _, fg in out]

    def _groups(self, fields: list[FieldGrade]) -> list[dict]:
        acc: dict[str, list[float]] = {}
        for fg in fields:
            a = acc.setdefault(fg.group, [0.0, 0.0, 0.0])
            a[0] += fg.earned
            a[1] += fg.possible
            a[2] += fg.deducted
        out = []
        for g, (earned, possible, deducted) in acc.items():
            zh, en = self.rubric.group_label(g)
            out.append({"group": g, "zh": zh, "en": en, "earned": round(earned, 2),
                        "possible": round(possible, 2), "deducted": round(deducted, 2)})
        return out


def _score(total: float) -> float:
    return round(min(100.0, max(0.0, 100.0 - total)), 1)


def grade(candidate: Record, references, rubric=None) -> GradeResult:
    """Grade `candidate` against one reference record or several acceptable ones.

    `rubric`: None (chosen by the reference's format), a shipped rubric's name, a path to a
    YAML/JSON rubric, a dict, or a Rubric.
    """
    return Grader(references, rubric).grade(candidate)
