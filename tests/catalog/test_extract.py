"""Extraction's text helpers hold to the rules they replace by faster means."""
import re
import sys

from hypothesis import example, given, strategies as st
from pymarc import Field, Indicators, Subfield

from app.catalog.extract import _clean, _subs, extract
from tests.catalog.records import cnmarc_book, marc21_book

_ISBD_END = re.compile(r"[\s/:;,=.]+$")


def test_white_space_is_what_the_regular_expressions_call_it_and_none_above_u3000():
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        assert c.isspace() == bool(re.fullmatch(r"\s", c)), hex(code)
        assert not c.isspace() or code <= 0x3000, hex(code)


@given(st.text(st.one_of(st.sampled_from(" /:;,=.\t\u3000\u00a0\u2003-[]"), st.characters()), max_size=20))
@example("Title\t.")
@example("題名\u3000/")
@example("Name, =\u00a0;")
def test_clean_takes_off_the_trailing_isbd_punctuation_and_spaces(text):
    assert _clean(text) == _ISBD_END.sub("", text.strip())


def test_subfields_are_stripped_and_empty_ones_left_out():
    field = Field("245", indicators=Indicators("1", "0"), subfields=[
        Subfield("a", " Title : "), Subfield("b", "   "), Subfield("c", ""), Subfield("b", "sub /"), Subfield("x", "no")])
    assert _subs(field, "abc") == ["Title :", "sub /"]


def test_the_language_is_the_items_first_well_formed_code():
    assert extract(marc21_book("Ein Buch", lang="ger")).language == "ger"
    assert extract(cnmarc_book("一本书")).language == "chi"  # 101 $a
    blank = marc21_book("Unknown", lang="   ")  # 008/35-37 blank: 041 $a, its codes three letters each
    blank.add_ordered_field(Field(tag="041", indicators=Indicators("0", " "), subfields=[Subfield("a", "engfre")]))
    assert extract(blank).language == "eng"
    assert extract(marc21_book("Unknown", lang="|||")).language is None
