"""The one tokenizer both search engines share, so SQLite and PostgreSQL find the same records.

Chinese is searched by substring. Both FTS5's trigram tokenizer and pg_trgm need three characters,
and one- and two-character queries are common in Chinese (学, 编目), so instead every CJK character
becomes a token of its own and a Chinese query becomes a *phrase* of consecutive characters: a
phrase match of single-character tokens is exactly a substring match, of any length. Latin, Cyrillic
and other scripts are split into words (case and diacritics folded); a trailing * truncates.
Both engines also store each pair of adjacent characters as a token (PostgreSQL at its position,
SQLite after the single tokens: with_pairs), so that a two-character query is one token.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from app.marc.normalise import strip_diacritics

# Without the two punctuation marks among the kana (゠ U+30A0, ・ U+30FB): SQLite's tokenizer splits
# at punctuation, so as tokens of their own they stood between two characters on PostgreSQL only, and
# トム・ソーヤー was a phrase of seven on one engine and of six on the other (migration a7t0c0de0025).
_CJK = (r"\u2e80-\u2fdf\u3040-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf"
        r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff")
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+\*?", re.UNICODE)
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# What _TOKEN finds in lower-case ASCII text: letters and digits (no CJK, no underscore).
_ASCII_WORD = re.compile(r"[a-z0-9]+")
# A one-character CJK token followed by another (tokens are separated by whitespace): both characters,
# the second by a look-ahead, so that the pairs of a run of characters overlap (中国人: 中国, 国人).
_PAIR = re.compile(rf"(?<!\S)([{_CJK}])\s+(?=([{_CJK}])(?!\S))")


def _fold(text: str) -> str:
    if text.isascii():  # most Western text: NFKC and the diacritics leave it as it is
        return text.lower()
    return strip_diacritics(unicodedata.normalize("NFKC", text)).casefold()


def tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(_fold(text or "")) if t != "*"]


@lru_cache(maxsize=32768)
def index_text(text: str) -> str:
    """What is stored in the full-text index: tokens separated by spaces (a truncation mark, which
    only ends a token, left out)."""
    text = text or ""
    if text.isascii():  # most of a Western catalogue: words only, found by a simpler expression
        return " ".join(_ASCII_WORD.findall(text.lower()))
    joined = " ".join(tokens(text))
    return joined.replace("*", "") if "*" in joined else joined


def query_terms(text: str) -> list[list[str]]:
    """Split a user's query into terms; each term is a phrase (a list of tokens in order).

    Whitespace separates terms; inside a term, CJK characters and words stay together as a phrase,
    so "中国 经济" is two terms and "中国经济" one phrase of four characters.
    """
    terms = []
    for chunk in (text or "").split():
        toks = tokens(chunk)
        if toks:
            terms.append(toks)
    return terms


def is_cjk(token: str) -> bool:
    return bool(_CJK_CHAR.fullmatch(token))


def has_cjk(text: str) -> bool:
    return not text.isascii() and _CJK_CHAR.search(text) is not None


def cjk_pair(phrase) -> str | None:
    """The pair token of a phrase of exactly two CJK characters (经济 → "经济"), else None."""
    if len(phrase) == 2 and all(len(t) == 1 and is_cjk(t) for t in phrase):
        return phrase[0] + phrase[1]
    return None


def with_pairs(text: str) -> str:
    """An index text (tokens separated by spaces) followed by every pair of adjacent CJK characters
    in it, as tokens of their own: SQLite's full-text index then finds a two-character query as one
    token (search/sqlite.py). They come after all the single tokens, so no phrase of single tokens
    can run into them; a pair is made wherever the phrase of its two characters would match, and
    nowhere else (not across a word or a number between them)."""
    if text.isascii():  # most of a Western catalogue: no CJK character, no pair (a third of a load's calls)
        return text
    pairs = [a + b for a, b in _PAIR.findall(text)]
    return text + " " + " ".join(pairs) if pairs else text
