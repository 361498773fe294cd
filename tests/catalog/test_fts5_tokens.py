"""The SQLite index is given ASCII text as it is (search.sqlite.fts5_text) and lets FTS5's tokenizer
split it, where other text is tokenized by catalog.tokens: both must give the same tokens, or a word
would be found in some records and not in others depending on how they were loaded."""
import sqlite3

from hypothesis import given, settings, strategies as st

from app.catalog.search import sqlite as sqlite_search
from app.catalog.tokens import _TOKEN, _fold, index_text

ASCII = st.text(alphabet=st.characters(max_codepoint=127), max_size=60)


def _fts5_tokens(conn, text: str) -> list[str]:
    conn.execute("DELETE FROM t")
    conn.execute("INSERT INTO t (rowid, a) VALUES (1, ?)", (text,))
    return [term for term, in conn.execute("SELECT term FROM t_terms ORDER BY offset")]


@given(ASCII)
@settings(max_examples=400)
def test_fts5_splits_ascii_as_index_text_does(text):
    conn = sqlite3.connect(":memory:")
    # the tokenizer the catalogue's full-text table is made with
    tokenize = sqlite_search.CREATE[sqlite_search.CREATE.index("tokenize"):].rstrip(")")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(a, {tokenize})")
    conn.execute("CREATE VIRTUAL TABLE t_terms USING fts5vocab(t, instance)")
    assert _fts5_tokens(conn, text) == index_text(text).split()
    assert _fts5_tokens(conn, sqlite_search.fts5_text(text)) == index_text(text).split()


@given(ASCII)
def test_index_text_ascii_shortcut_is_the_general_rule(text):
    general = [t.replace("*", "") for t in _TOKEN.findall(_fold(text))]
    assert index_text(text) == " ".join(t for t in general if t)


def test_other_text_is_tokenized_here():
    assert sqlite_search.fts5_text("中国经济 Dvořák") == "中 国 经 济 dvorak"
    assert sqlite_search.fts5_text("History of China / J. Smith.") == "History of China / J. Smith."
