"""Exchange of objective questions with Moodle: GIFT text and Moodle XML (see docs/questions.md)."""
