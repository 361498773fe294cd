"""What a grading returns: a score and, field by field, why points were lost."""
from __future__ import annotations

from dataclasses import dataclass, field


def _r(x: float, nd: int = 2) -> float:
    return round(x + 0.0, nd)


@dataclass(slots=True)
class Deduction:
    code: str       # missing_field extra_field tag indicator missing_subfield extra_subfield
                    # value typo class punctuation case spacing diacritics isbn_form order coding
                    # position
    points: float
    zh: str
    en: str
    candidate: str | None = None
    expected: str | None = None
    subfield: str | None = None

    def to_dict(self) -> dict:
        return {"code": self.code, "points": _r(self.points), "zh": self.zh, "en": self.en,
                "candidate": self.candidate, "expected": self.expected, "subfield": self.subfield}


@dataclass(slots=True)
class FieldGrade:
    tag: str                     # the reference's tag (the candidate's for an extra field)
    occurrence: int              # 1-based among fields with that tag in its record
    earned: float
    possible: float
    status: str                  # match | partial | missing | extra
    group: str = "other"
    candidate_tag: str | None = None
    candidate: str | None = None  # the candidate's field as a MARC line
    expected: str | None = None   # the reference's field as a MARC line
    deductions: list[Deduction] = field(default_factory=list)

    @property
    def deducted(self) -> float:
        return sum(d.points for d in self.deductions)

    def to_dict(self) -> dict:
        return {"tag": self.tag, "occurrence": self.occurrence, "earned": _r(self.earned),
                "possible": _r(self.possible), "status": self.status, "group": self.group,
                "candidate_tag": self.candidate_tag, "candidate": self.candidate,
                "expected": self.expected, "deducted": _r(self.deducted),
                "deductions": [d.to_dict() for d in self.deductions]}


@dataclass(slots=True)
class GradeResult:
    score: float                 # 0–100, one decimal
    reference_index: int         # which reference the score was taken against
    fields: list[FieldGrade]
    rubric: str = ""
    flavour: str = ""
    reference_scores: list[float] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)

    @property
    def deducted(self) -> float:
        return sum(f.deducted for f in self.fields)

    @property
    def deductions(self) -> list[tuple[FieldGrade, Deduction]]:
        return [(f, d) for f in self.fields for d in f.deductions]

    def to_dict(self) -> dict:
        return {"score": self.score, "reference_index": self.reference_index,
                "reference_scores": self.reference_scores, "rubric": self.rubric,
                "flavour": self.flavour, "deducted": _r(self.deducted), "groups": self.groups,
                "fields": [f.to_dict() for f in self.fields]}

    def report(self, lang: str = "zh") -> str:
        """Plain text: the score, then each deduction on its own line."""
        head = {"zh": f"得分 {self.score:.1f} / 100（参考记录 {self.reference_index + 1}）",
                "en": f"Score {self.score:.1f} / 100 (reference {self.reference_index + 1})"}
        lines = [head.get(lang, head["en"])]
        for fg in self.fields:
            for d in fg.deductions:
                text = d.zh if lang == "zh" else d.en
                lines.append(f"  -{d.points:5.2f}  {text}")
        if len(lines) == 1:
            lines.append("  与参考记录一致。" if lang == "zh" else "  Matches the reference.")
        return "\n".join(lines)
