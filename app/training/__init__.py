"""Training sessions (培训): announced by trainers, attended by cataloguers, certified for the exam."""
