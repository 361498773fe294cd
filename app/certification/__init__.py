"""Certification exams (issue 5): blueprints, papers drawn from the question bank, attempts,
grading with the expert band, results, certificates and item analysis.

Pure modules (no Flask, no SQLAlchemy), usable from scripts and tests without an app:
`blueprint` (exam blueprints from exams/*.yaml), `draw` (a candidate's paper), `itemstats`
(item analysis as Moodle computes it) and `certificate_pdf` (the printed certificate).
"""
