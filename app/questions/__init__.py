"""The question bank of the certification exams (issue 5): objective questions and MARC tasks.

checkers, bankfiles and formats/ are pure (no Flask, no SQLAlchemy) so that scoring rules, the
shipped bank and Moodle exchange can be tested without a database; see docs/questions.md.
"""
