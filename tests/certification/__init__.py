"""Certification exams: blueprints, drawing papers, item statistics, certificates (issue 5)."""
