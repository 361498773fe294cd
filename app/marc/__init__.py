"""The MARC core: reading, writing, validating, classifying, displaying and grading records.

Pure Python on top of pymarc. It must import neither Flask nor SQLAlchemy, so that the catalogue,
the exams, the command line and the benchmarks can all use it without an application.
"""
