"""Grading a candidate's MARC record against reference records (the practical exam).

    from app.marc.grade import grade
    result = grade(candidate, [reference1, reference2])
    result.score, result.reference_index, result.fields, result.to_dict()

See docs/grading.md for the scoring model and its calibration.
"""
from .grader import Grader, grade, prepare
from .result import Deduction, FieldGrade, GradeResult
from .rubric import Rubric, RubricError, default_rubric, load_rubric

__all__ = ["grade", "Grader", "prepare", "GradeResult", "FieldGrade", "Deduction", "Rubric",
           "RubricError", "load_rubric", "default_rubric"]
