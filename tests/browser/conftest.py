"""Browser tests use the fixtures `live`, `browser` and `page` of tests/conftest.py."""
