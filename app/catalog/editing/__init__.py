"""Pages of original cataloguing: the MARC editor with drafts, and the review queue."""
