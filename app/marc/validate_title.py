"""MARC 21 title statement (245, and 880 linked to 245): first subfield, ISBD punctuation, articles.

These mirror MARC::Lint's check_245 and _check_article, with three deliberate differences kept in
docs/marc-validation.md: punctuation is not demanded when Leader/18 says it was omitted (c, n); a
title may end in ? or ! (MARC 21 allows it); articles of the record's language (008/35-37) count
too, so German "Die" or Dutch "Het" are recognised.
"""
from __future__ import annotations

import re

# MARC::Lint's article list (from MARC 21 Appendix E) and its exceptions.
LINT_ARTICLES = frozenset(
    "a an das dem der ein eine einem einen einer eines el en gl gli il l la las le les lo los os the"
    " um uma un una une uno".split())
EXCEPTIONS = ("a & e", "a & ", "a-", "a+", "a is ", "a isn't ", "a l'", "a la ", "a posteriori",
              "a priori", "a to ", "el nino", "el salvador", "l is ", "l-", "la salle", "las vegas",
              "lo cual", "lo mein", "lo que", "los alamos", "los angeles")
# Further initial articles by language (MARC 21 Bibliographic, Appendix E), used with 008/35-37.
LANGUAGE_ARTICLES = {
    "eng": "a an the", "ger": "der die das den dem des ein eine einen einem einer eines",
    "dut": "de het een 't", "dan": "den det de en et", "nor": "den det de en et ei",
    "nob": "den det de en et ei", "nno": "den det dei ein eit ei", "swe": "den det de en ett",
    "fre": "le la les l un une", "spa": "el la lo los las un una unos unas",
    "ita": "il lo la i gli le l un uno una", "por": "o a os as um uma uns umas",
    "cat": "el la els les l un una", "glg": "o a os as un unha", "hun": "a az egy",
}
LANGUAGE_ARTICLES = {lang: frozenset(words.split()) for lang, words in LANGUAGE_ARTICLES.items()}

_LEADING = re.compile(r"^[\"'\[(*]+")
_FIRST_WORD = re.compile(r"([^ ()\[\]'\"\-]+)([ ()\[\]'\"\-])?(.*)", re.S)
_AFTER_SEPARATOR = re.compile(r"^[ ()\[\]'\"\-]+")
_SKIPPABLE = re.compile(r"^[ \"'\[\]()*]+")
_FINAL = re.compile(r"[.?!]$")
_BEFORE_C = re.compile(r"\s/$")
_INITIALS = re.compile(r"\b\w\. \b\w\.")
_IE = re.compile(r"\[\bi\.e\. \b\w\..*\]")
_BEFORE_B = re.compile(r" [:;=]$")
_BEFORE_H = re.compile(r"(\S$)|(-- $)")
_GMD = re.compile(r"^\[\w*\s*\w*\]")
_PERIOD = re.compile(r"(\S\.$)|(-- \.$)")
_COMMA = re.compile(r"(\S,$)|(-- ,$)")


def _language(record) -> str:
    for f in record.fields:
        if f.tag == "008":
            return (f.data or "")[35:38]
    return ""


def check_title(field, tag, occ, label, out, leader, record) -> None:
    subs = field.subfields
    if not subs:
        return
    codes = [sf.code for sf in subs]
    if tag == "880" and "a" not in codes:
        out.add("subfield.mandatory_missing", tag, occ, "a", field=label, code="a")
    _first_subfield(codes, tag, occ, label, out)
    if leader[18:19] not in ("c", "n"):
        _punctuation(subs, tag, occ, label, out)
    ind2 = field.indicator2
    if ind2.isdigit() and len(ind2) == 1:
        _article(field.get("a") or "", int(ind2), ind2, _language(record), tag, occ, label, out)


def _first_subfield(codes, tag, occ, label, out) -> None:
    if "6" in codes:
        if len(codes) < 2:
            out.add("subfield.order", tag, occ, field=label, expected="$6 $a", actual="$6")
        elif codes[0] != "6" or codes[1] != "a":
            out.add("subfield.order", tag, occ, field=label, expected="$6 $a",
                    actual=f"${codes[0]} ${codes[1]}")
    elif codes[0] != "a":
        out.add("subfield.order", tag, occ, field=label, expected="$a", actual=f"${codes[0]}")


def _punctuation(subs, tag, occ, label, out) -> None:
    if not _FINAL.search(subs[-1].value):
        out.add("punctuation.final", tag, occ, field=label)
    seen_c = False
    for i in range(1, len(subs)):
        code, value = subs[i]
        before = subs[i - 1].value
        if code == "c":
            if not seen_c:
                if not _BEFORE_C.search(before):
                    out.add("punctuation.before_c", tag, occ, "c", field=label)
                if _INITIALS.search(value) and not _IE.search(value):
                    out.add("punctuation.initials", tag, occ, "c", field=label)
            seen_c = True
        elif code == "b" and not _BEFORE_B.search(before):
            out.add("punctuation.before_b", tag, occ, "b", field=label)
        elif code == "h":
            if not _BEFORE_H.search(before):
                out.add("punctuation.before_h", tag, occ, "h", field=label)
            if not _GMD.search(value):
                out.add("punctuation.gmd_brackets", tag, occ, "h", field=label)
        elif code == "n" and not _PERIOD.search(before):
            out.add("punctuation.before_n", tag, occ, "n", field=label)
        elif code == "p":
            after_n = subs[i - 1].code == "n"
            if not (_COMMA if after_n else _PERIOD).search(before):
                out.add("punctuation.before_p", tag, occ, "p", field=label,
                        mark_zh="逗号" if after_n else "句点",
                        mark_en="a comma (after $n)" if after_n else "a period")


def _article(title, ind, ind_text, lang, tag, occ, label, out) -> None:
    """Non-filing characters must skip exactly a leading article and what precedes the next word."""
    lead = _LEADING.match(title)
    skipped = len(lead.group(0)) if lead else 0
    title = title[skipped:]
    m = _FIRST_WORD.match(title)
    word, separator, rest = (m.group(1), m.group(2) or "", m.group(3)) if m else ("", "", "")
    nonfiling = len(word) + skipped + 1
    lowered_title, lowered = title.lower(), word.lower()
    exception = any(lowered_title.startswith(e) for e in EXCEPTIONS)
    article = not exception and (lowered in LINT_ARTICLES
                                  or lowered in LANGUAGE_ARTICLES.get(lang, ()))
    if article:
        if separator and _AFTER_SEPARATOR.match(rest):
            extra = _SKIPPABLE.match(rest)
            nonfiling += len(extra.group(0)) if extra else 0
        ok = ind in (0, 3) if lowered == "en" else nonfiling == ind
        verdict = ("可能是冠词", "may be an article")
    else:
        ok = ind == 0
        verdict = ("似乎不是冠词", "does not appear to be an article")
    if not ok:
        out.add("title.nonfiling", tag, occ, field=label, word=word, ind=ind_text,
                verdict_zh=verdict[0], verdict_en=verdict[1])
