import pytest
from hypothesis import example, given, strategies as st

from app.marc.normalise import (base, has_cjk, isbn10_to_13, isbn13_to_10, isbn_clean, isbn_key,
                                isbn_valid, loose_key, naco, naco_subfields, punct_key,
                                strip_diacritics, strip_isbd)


# --- base / keys ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("ＡＢＣ１２３", "ABC123"),                      # full-width Latin and digits
    ("（精装）", "(精装)"),                           # full-width parentheses
    ("书名：副题；丛书，第一辑。", "书名:副题;丛书,第一辑."),  # Chinese punctuation
    ("中国　发展", "中国 发展"),                      # ideographic space
    ("  a \t b\n c  ", "a b c"),
    ("张三…[等]", "张三...[等]"),
    ("《红楼梦》研究", "<红楼梦>研究"),
    ("马克・吐温", "马克·吐温"),
    ("", ""),
])
def test_base(raw, expected):
    assert base(raw) == expected


def test_punct_key_drops_punctuation_and_cjk_spacing():
    assert punct_key("1999 年中国发展状况与趋势") == "1999年中国发展状况与趋势"
    assert punct_key("'96 中国发展报告") == punct_key("'96中国发展报告")
    assert punct_key("[large print]") == "large print"
    assert punct_key("Washington, DC :") == punct_key("Washington DC")
    assert punct_key("New York") != punct_key("NewYork")  # Latin word spaces still count


def test_loose_key_folds_case_and_diacritics_not_cjk():
    assert loose_key("Kínsley, James,") == loose_key("KINSLEY JAMES")
    assert loose_key("Dvořák") == "dvorak"
    assert loose_key("Straße") == loose_key("STRASSE")
    assert loose_key("中国发展报告") == "中国发展报告"
    assert loose_key("中国发展报告") != loose_key("中国发展极告")


def test_indic_vowel_signs_are_not_diacritics():
    # Devanagari vowel signs change the word; they must survive the loose key.
    assert loose_key("कि") != loose_key("क")


@given(st.text(st.one_of(st.sampled_from("æÆœŒøØþÞðÐđĐłŁıßāé\u0301"), st.characters()), max_size=20))
def test_strip_diacritics_translates_special_letters_wherever_they_are(s):
    # strip_diacritics only translates the special letters when it finds one: the same as always
    import unicodedata

    from app.marc.normalise import _LATIN_MARKS, _SPECIAL_LETTERS

    expected = s if s.isascii() else unicodedata.normalize(
        "NFC", _LATIN_MARKS.sub("", unicodedata.normalize("NFD", s.translate(_SPECIAL_LETTERS))))
    assert strip_diacritics(s) == expected


def test_strip_diacritics_keeps_hangul():
    assert strip_diacritics("한국") == "한국"
    assert strip_diacritics("Ærø") == "AEro"


@pytest.mark.parametrize("raw, expected", [
    ("Pride and prejudice /", "Pride and prejudice"),
    ("New York :", "New York"),
    ("Oxford University Press,", "Oxford University Press"),
    ("20 cm.", "20 cm"),
    ("Test record series ;", "Test record series"),
    ("Parallel title =", "Parallel title"),
    ("A. B. Smith", "A. B. Smith"),
    ("书名 :", "书名"),
])
def test_strip_isbd(raw, expected):
    assert strip_isbd(raw) == expected


def test_strip_isbd_brackets_only_when_asked():
    assert strip_isbd("[large print] /") == "[large print]"
    assert strip_isbd("[large print] /", brackets=True) == "large print"


def test_has_cjk():
    assert has_cjk("'94中国发展报告")
    assert not has_cjk("Pride and prejudice")


@given(st.text(max_size=40))
def test_keys_are_idempotent(s):
    assert base(base(s)) == base(s)
    assert punct_key(punct_key(s)) == punct_key(s)


@given(st.text(max_size=40))
def test_loose_key_is_coarser_than_punct_key(s):
    # equal punct keys always mean equal loose keys (the ladder only merges)
    assert loose_key(s) == loose_key(punct_key(s))


# --- NACO ------------------------------------------------------------------------------------

def test_naco_hyphen_is_a_space():
    assert naco("Large-Scale Computer Analysis and Modeling Conference") == \
        naco("Large Scale Computer Analysis and Modeling Conference")


def test_naco_diacritics_and_apostrophe():
    assert naco("Ku, Ch'ün", keep_first_comma=True) == naco("Ku, Chun", keep_first_comma=True)
    assert naco("Dvořák, Antonín", keep_first_comma=True) == "DVORAK, ANTONIN"


def test_naco_keeps_ampersand():
    assert naco("Johnson & Johnson") == "JOHNSON & JOHNSON"
    assert naco("Johnson & Johnson") != naco("Johnson and Johnson")


def test_naco_first_comma_only_in_a():
    assert naco("Smith, John, 1953-", keep_first_comma=True) == "SMITH, JOHN 1953"
    assert naco("Smith, John, 1953-") == "SMITH JOHN 1953"
    # a trailing comma is never kept
    assert naco("Austen, Jane,", keep_first_comma=True) == "AUSTEN, JANE"
    assert naco("Chandra,", keep_first_comma=True) == "CHANDRA"


def test_naco_special_letters():
    assert naco("Æthelred") == "AETHELRED"
    assert naco("Łódź") == "LODZ"
    assert naco("Þór") == "THOR"


def test_naco_brackets_deleted_other_punctuation_blank():
    assert naco("[Ireland]") == "IRELAND"
    assert naco("Paris (France)") == "PARIS FRANCE"
    assert naco("Mr. Smith's") == "MR SMITHS"


def test_naco_subfields_keeps_delimiters():
    subs = [("a", "Smith, John,"), ("d", "1953-"), ("e", "author.")]
    assert naco_subfields(subs) == "$aSMITH, JOHN$d1953$eAUTHOR"
    assert naco_subfields(subs, codes="ad") == "$aSMITH, JOHN$d1953"


def _naco_by_character(s: str, keep_first_comma: bool) -> str:
    """The comparison rules applied one character at a time, as naco() does for non-ASCII text."""
    from app.marc.normalise import _naco_char
    out, kept = [], not keep_first_comma
    for ch in s.upper():
        if ch == "," and not kept:
            out.append(",")
            kept = True
        else:
            out.append(_naco_char(ch))
    text = " ".join("".join(out).split()).replace(" ,", ",")
    return text[:-1].rstrip() if text.endswith(",") else text


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40), st.booleans())
def test_naco_ascii_shortcut_is_the_character_rule(s, keep_first_comma):
    # ASCII text is translated by a table (the importer's hot path); it must key exactly as the
    # character-by-character rule does, control characters and every punctuation mark included.
    assert naco.__wrapped__(s, keep_first_comma) == _naco_by_character(s, keep_first_comma)


@given(st.text(max_size=30))
def test_naco_is_idempotent(s):
    once = naco(s, keep_first_comma=True)
    assert naco(once, keep_first_comma=True) == once
    assert once == once.upper() or not once.isascii()


# --- ISBN ------------------------------------------------------------------------------------

@pytest.mark.parametrize("isbn", ["7-5037-1744-0", "7-5037-2790-X", "0199535566", "9780199535569",
                                  "978-7-5037-7069-2", "ISBN 7-5037-2020-4 (精装)"])
def test_valid_isbns(isbn):
    assert isbn_valid(isbn)


@pytest.mark.parametrize("isbn", ["7-5037-1744-1", "9780199535568", "12345", "", "abc"])
def test_invalid_isbns(isbn):
    assert not isbn_valid(isbn)
    assert isbn_key(isbn) is None


def _isbn_key_by_parts(s):
    """isbn_key as the public functions compose it (isbn_key inlines them on one cleaning)."""
    d = isbn_clean(s)
    if not isbn_valid(d):
        return None
    return d if len(d) == 13 else isbn10_to_13(d)


_isbn_like = st.text(alphabet="0123456789Xx -（）ISBN:.pbk()精装\u3000０１２３４５６７８９", max_size=40)


@given(st.one_of(st.from_regex(r"(ISBN )?[0-9０-９][0-9Xx０-９ -]{8,16}( \(pbk\.\)|（精装）)?", fullmatch=True),
                 st.from_regex(r"[0-9]{2,9}[X ]?[(/:][0-9X]{2,9}([(/][0-9X]{1,5})?", fullmatch=True),
                 _isbn_like, st.text(max_size=30)))
@example("97802 (12345X")  # runs too short alone: their digits together, 11 of them
@example("7503717 (440123)")
def test_isbn_key_is_the_composition_of_the_public_functions(s):
    assert isbn_key.__wrapped__(s) == _isbn_key_by_parts(s)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["", "-", " "]))
def test_isbn_key_of_isbn10_and_its_13(d9, sep):
    r = (11 - sum((10 - i) * int(c) for i, c in enumerate(d9)) % 11) % 11
    d10 = d9 + ("X" if r == 10 else str(r))
    d13 = isbn10_to_13(d10)
    assert isbn_key(d9[:1] + sep + d9[1:] + d10[9]) == d13 == isbn_key(d13)
    assert isbn_key(d13[:12] + str((int(d13[12]) + 1) % 10)) is None


def test_isbn_clean():
    assert isbn_clean("7-5037-2790-x (pbk.)") == "750372790X"
    assert isbn_clean("978-7-5037-7069-2") == "9787503770692"


def test_isbn_conversion():
    assert isbn10_to_13("0199535566") == "9780199535569"
    assert isbn13_to_10("9780199535569") == "0199535566"
    assert isbn10_to_13("7-5037-2790-X") == "9787503727900"
    assert isbn13_to_10("9791032300824") is None  # 979 has no 10-digit form
    assert isbn10_to_13("7-5037-1744-1") is None  # a wrong check digit is not repaired


def test_isbn_key_matches_both_forms():
    assert isbn_key("7-5037-1744-0") == isbn_key("978-7-5037-1744-4") == "9787503717444"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_isbn_round_trip(d9):
    from app.marc.normalise import _check10
    isbn10 = d9 + _check10(d9)
    assert isbn_valid(isbn10)
    isbn13 = isbn10_to_13(isbn10)
    assert isbn_valid(isbn13)
    assert isbn13_to_10(isbn13) == isbn10
    assert isbn_key(isbn10) == isbn_key(isbn13) == isbn13
