"""PostgreSQL full text: adjacent pairs of CJK characters as tokens of their own

Revision ID: a7c3c0de0008
Revises: a7b2c0de0007
Create Date: 2026-11-24 05:00:00

The search code now looks a two-character Chinese query up as one token (see
app/catalog/search/postgres.py), so every stored vector gains its pairs. The vectors are rewritten
from themselves (their single tokens at their positions), not from the MARC: the rule is written out
here, as migrations must not change when the application does. SQLite's FTS5 index is unchanged.
A large catalogue takes a while (about a minute per 100,000 records plus the index updates);
`flask --app wsgi catalog reindex` gives the same vectors.
"""
import re

from alembic import op
import sqlalchemy as sa


revision = 'a7c3c0de0008'
down_revision = 'a7b2c0de0007'
branch_labels = None
depends_on = None

COLUMNS = ("title", "author", "subject", "publisher", "everything")
MAX_POSITION = 16383
_CJK = re.compile(r"[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                  r"\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]")
_ENTRY = re.compile(r"'((?:[^']|'')*)'(?::([0-9A-D,]+))?")


def _quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _parse(text):
    """{token: [positions]} of a tsvector's text output."""
    out = {}
    for lexeme, positions in _ENTRY.findall(text or ""):
        token = lexeme.replace("''", "'").replace("\\\\", "\\")
        out[token] = [int(p.rstrip("ABCD")) for p in positions.split(",")] if positions else []
    return out


def _single_cjk(token):
    return len(token) == 1 and bool(_CJK.fullmatch(token))


def with_pairs(text, pairs=True):
    entries = {t: p for t, p in _parse(text).items() if not (len(t) == 2 and all(_single_cjk(c) for c in t))}
    if pairs:
        at = {}
        for token, positions in entries.items():
            if _single_cjk(token):
                for p in positions:
                    at.setdefault(p, []).append(token)
        for p, here in at.items():
            following = at.get(p + 1)
            if p + 1 < MAX_POSITION and len(here) == 1 and following and len(following) == 1:
                entries.setdefault(here[0] + following[0], []).append(p)
    return " ".join(f"{_quote(t)}:{','.join(map(str, sorted(p)[:256]))}" if p else _quote(t)
                    for t, p in entries.items())


def _rewrite(pairs):
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    cols = ", ".join(f"{c}::text" for c in COLUMNS)
    sets = ", ".join(f"{c} = CAST(:{c} AS tsvector)" for c in COLUMNS)
    last = 0
    while True:
        rows = bind.execute(sa.text(f"SELECT record_id, {cols} FROM record_search WHERE record_id > :last "
                                    "ORDER BY record_id LIMIT 2000"), {"last": last}).all()
        if not rows:
            break
        bind.execute(sa.text(f"UPDATE record_search SET {sets} WHERE record_id = :id"),
                     [{"id": r[0], **{c: with_pairs(v, pairs) for c, v in zip(COLUMNS, r[1:])}} for r in rows])
        last = rows[-1][0]


def upgrade():
    _rewrite(pairs=True)


def downgrade():
    _rewrite(pairs=False)
