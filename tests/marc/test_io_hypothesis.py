"""Generated records survive every format: control fields, indicators, subfields, any Unicode."""
from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymarc import Field, Indicators, Leader, Record, Subfield

from app.marc.io import FORMATS, read, to_bytes

# Any assigned, non-control character (MARC has no line breaks or structure characters in data,
# XML 1.0 no C0 controls), with CJK drawn often because the catalogue is mostly Chinese.
_any_char = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"))
_cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_text = st.text(st.one_of(_any_char, _cjk, st.sampled_from("$\\{}| ")), max_size=25)
_code = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789")
_indicator = st.sampled_from(" 0123456789abc")


@st.composite
def records(draw) -> Record:
    record = Record()
    letters = st.text(st.sampled_from("abcdijmnpstz "), min_size=1, max_size=1)
    leader = "00000" + "".join(draw(letters) for _ in range(4)) + "a2200000" + "".join(
        draw(letters) for _ in range(3)) + "4500"
    record.leader = Leader(leader)
    for tag in sorted(draw(st.sets(st.integers(1, 9), max_size=4))):
        record.add_field(Field(f"{tag:03d}", data=draw(_text)))
    for _ in range(draw(st.integers(1, 8))):
        tag = f"{draw(st.integers(10, 999)):03d}"
        subfields = [Subfield(draw(_code), draw(_text)) for _ in range(draw(st.integers(1, 5)))]
        record.add_field(Field(tag, indicators=Indicators(draw(_indicator), draw(_indicator)), subfields=subfields))
    return record


def content(record: Record) -> tuple:
    leader = str(record.leader)
    fields = []
    for f in record.fields:
        if f.control_field:
            fields.append((f.tag, unicodedata.normalize("NFC", f.data)))
        else:
            subs = tuple((s.code, unicodedata.normalize("NFC", s.value)) for s in f.subfields)
            fields.append((f.tag, tuple(f.indicators), subs))
    return leader[5:12] + leader[17:], fields


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_every_format_round_trips(record):
    expected = content(record)
    for fmt in FORMATS:
        data = to_bytes(record, fmt)
        [result] = list(read(data))  # the format is detected from the bytes
        assert result.ok, (fmt, result.error)
        assert content(result.record) == expected, fmt


@settings(max_examples=30, deadline=None)
@given(records())
def test_gb18030_round_trips(record):
    [result] = list(read(to_bytes(record, "iso2709", "gb18030"), encoding="gb18030"))
    assert result.ok
    assert content(result.record)[1] == content(record)[1]


# Decomposed letters, marks out of canonical order, marks with no base, jamo that compose and
# ready-made syllables: text that is NFC only in places.
_unnormal = st.sampled_from(["e\u0301", "A\u030a", "\u0301", "o\u0323\u0302", "o\u0302\u0323", "\u1100\u1161",
                             "\uac00\u11a8", "\u00e9", "Å", "\u0f73", "\u2126", "ﬁ", "中", "a"])
_mixed = st.lists(st.one_of(_unnormal, st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"))),
                  max_size=8).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_code, _mixed), min_size=1, max_size=6), _mixed)
def test_iso2709_values_come_out_nfc_whether_or_not_the_record_is(subfields, control):
    # The reader looks at a UTF-8 record as a whole first and at each value only when the whole
    # is not NFC (encodings.utf8_is_nfc): every value must come out NFC either way.
    record = Record()
    record.leader = Leader("00000nam a2200000 i 4500")
    record.add_field(Field("005", data=control))
    record.add_field(Field("245", indicators=Indicators("1", "0"),
                           subfields=[Subfield(code, value) for code, value in subfields]))
    data = record.as_marc()  # pymarc's own writing: ours would write NFC already
    assert not unicodedata.is_normalized("NFC", data.decode()) or all(
        unicodedata.is_normalized("NFC", v) for v in [control, *(v for _, v in subfields)])
    [result] = list(read(data))
    assert result.ok, result.error
    f005, f245 = result.record.fields
    assert f005.data == unicodedata.normalize("NFC", control)
    assert [(s.code, s.value) for s in f245.subfields] == [
        (code, unicodedata.normalize("NFC", value)) for code, value in subfields]
