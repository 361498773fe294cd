"""Our MARC 21 validation against Perl MARC::Lint on every MARC 21 bibliographic test record.

Each Lint warning must have a finding of ours with the same tag and kind, unless it is one of the
deliberate differences explained in docs/marc-validation.md (DELIBERATE below). What we find and
Lint does not is printed (pytest -s) as the other half of the report.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from app.marc.classify import detect_format, record_kind
from app.marc.io import read_records
from app.marc.validate import validate
from app.marc.validate_title import LANGUAGE_ARTICLES

LINT_SCRIPT = Path(__file__).with_name("lint_records.pl")

# (pattern of the Lint message, kind, our codes that count as the same finding)
KINDS = [
    (r"^1XX: Only one 1XX tag is allowed", "multiple_1xx", {"record.multiple_main_entry"}),
    (r"No 245 tag", "missing_field", {"field.mandatory_missing"}),
    (r"Field is not repeatable", "field_nr", {"field.not_repeatable"}),
    (r"Indicator \d must be", "indicator", {"indicator.invalid"}),
    (r"Subfield _. is not allowed", "subfield_unknown", {"subfield.unknown"}),
    (r"Subfield _. is not repeatable", "subfield_nr", {"subfield.not_repeatable"}),
    (r"invalid control character", "control_char", {"subfield.control_char"}),
    (r"Subfields are not allowed in fields lower", "control_subfields", {"control.has_subfields"}),
    (r"^880: No subfield 6", "linkage_missing", {"linkage.missing"}),
    (r"may have invalid characters", "isbn_chars", {"isbn.invalid_characters"}),
    (r"qualifier must be preceded", "isbn_qualifier", {"isbn.qualifier_space"}),
    (r"wrong number of digits", "isbn_length", {"isbn.length"}),
    (r"bad checksum", "isbn_checksum", {"isbn.checksum"}),
    (r"numerically valid", "isbn_valid_z", {"isbn.valid_in_z"}),
    (r"evenly divisible by 3", "lang_length", {"lang.code_length"}),
    (r"^041: .*may be obsolete", "lang_obsolete", {"lang.obsolete"}),
    (r"^041: .*is not valid", "lang_invalid", {"lang.invalid"}),
    (r"exactly 7 characters", "geo_length", {"geo.code_length"}),
    (r"^043: .*may be obsolete", "geo_obsolete", {"geo.obsolete"}),
    (r"^043: .*is not valid", "geo_invalid", {"geo.invalid"}),
    (r"Must have a subfield _a", "title_missing_a", {"subfield.mandatory_missing"}),
    (r"Must end with \. \(period\)", "punct_final", {"punctuation.final"}),
    (r"MARC21 allows \? or !", "punct_final_qmark", set()),
    (r"too few subfields|First subfield", "subfield_order", {"subfield.order"}),
    (r"_c must be preceded by /", "punct_c", {"punctuation.before_c"}),
    (r"initials should not", "punct_initials", {"punctuation.initials"}),
    (r"_b should be preceded", "punct_b", {"punctuation.before_b"}),
    (r"_h should not be preceded", "punct_h", {"punctuation.before_h"}),
    (r"_h must have matching", "punct_gmd", {"punctuation.gmd_brackets"}),
    (r"_n must be preceded", "punct_n", {"punctuation.before_n"}),
    (r"_p must be preceded", "punct_p", {"punctuation.before_p"}),
    (r"Non-filing indicator is non-numeric", "nonfiling_non_numeric", {"indicator.invalid"}),
    (r"First word, .*article", "article", {"title.nonfiling", "indicator.invalid"}),
]
PUNCTUATION_KINDS = {"punct_final", "punct_c", "punct_initials", "punct_b", "punct_h", "punct_gmd",
                     "punct_n", "punct_p"}
_ARTICLE_WORD = re.compile(r"First word, (.*?), does not appear")


def _deliberate(kind: str, message: str, record) -> str | None:
    """Why we do not report this Lint warning (docs/marc-validation.md, 'Deliberate differences')."""
    leader = str(record.leader)
    if kind == "punct_final_qmark":
        return "MARC 21 allows a title to end in ? or !"
    if kind in PUNCTUATION_KINDS and leader[18:19] in ("c", "n"):
        return "Leader/18 says ISBD punctuation was omitted"
    m = _ARTICLE_WORD.search(message)
    if kind == "article" and m:
        f008 = record["008"]
        lang = f008.data[35:38] if f008 is not None and f008.data else ""
        if m.group(1) in LANGUAGE_ARTICLES.get(lang, ()):
            return "an article of the record's language that Lint's list lacks"
    if kind in ("lang_length", "lang_invalid", "lang_obsolete"):
        sub = re.search(r"Subfield _(.)", message)
        if sub and sub.group(1) in "2368":
            return "041 $2/$3/$6/$8 hold no language codes"
    return None


def _kind(message: str):
    for pattern, kind, codes in KINDS:
        if re.search(pattern, message):
            return kind, codes
    return None, None


def _lint_available() -> bool:
    if shutil.which("perl") is None:
        return False
    return subprocess.run(["perl", "-MMARC::Lint", "-MMARC::File::USMARC", "-e", "1"],
                          capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def lint_runs(marc_data, tmp_path_factory):
    if not _lint_available():
        if os.environ.get("CI") == "true":
            pytest.fail("perl MARC::Lint is not installed (apt-get install libmarc-lint-perl)")
        pytest.skip("perl MARC::Lint is not installed")
    records = []
    for path in sorted(p for p in marc_data.rglob("*") if p.is_file() and p.suffix != ".md"):
        try:
            good, _damaged = read_records(path)
        except Exception:  # a file the I/O layer refuses as a whole holds no record to compare
            continue
        for rec in good:
            if detect_format(rec) == "marc21" and record_kind(rec, "marc21") == "bibliographic":
                records.append((path.relative_to(marc_data), rec))
    batch = tmp_path_factory.mktemp("lint") / "records.mrc"
    with open(batch, "wb") as fh:
        for _, rec in records:
            fh.write(_utf8_iso2709(rec))
    out = subprocess.run(["perl", str(LINT_SCRIPT), str(batch)], capture_output=True, text=True,
                         check=True).stdout
    warnings = defaultdict(list)
    seen = 0
    for line in out.splitlines():
        head, _, text = line.partition("\t")
        if head == "RECORD":
            seen = int(text)
        else:
            warnings[int(head)].append(text)
    assert seen == len(records), "Lint did not read every record"
    return records, warnings


def _utf8_iso2709(record) -> bytes:
    """The record as Lint will see it: UTF-8, Leader/09 'a' (Lint does not check the Leader)."""
    force = record.force_utf8
    record.force_utf8 = True
    try:
        data = bytearray(record.as_marc())
    finally:
        record.force_utf8 = force
    data[9:10] = b"a"
    return bytes(data)


def _our_tag(record, finding) -> str:
    """Lint names an 880 by the tag in its $6."""
    if finding.tag != "880" or not finding.occurrence:
        return finding.tag
    return (record.get_fields("880")[finding.occurrence - 1].get("6") or "")[:3]


def test_every_lint_warning_has_a_finding_of_ours(lint_runs):
    records, warnings = lint_runs
    missing, explained, extra = [], Counter(), Counter()
    checked = 0
    for number, (path, record) in enumerate(records, 1):
        ours = Counter((_our_tag(record, f), f.code) for f in validate(record))
        matched = set()
        for message in warnings.get(number, ()):
            kind, codes = _kind(message)
            assert kind is not None, f"unclassified Lint warning: {message}"
            checked += 1
            tag = message[:3]
            hits = {(t, c) for (t, c) in ours if c in codes and (t == tag or kind == "multiple_1xx")}
            matched |= hits
            if hits:
                continue
            reason = _deliberate(kind, message, record)
            if reason:
                explained[reason] += 1
            else:
                missing.append(f"{path} record {number}: {message}")
        for key, count in ours.items():
            if key not in matched:
                extra[key[1]] += count
    print(f"\nLint warnings checked: {checked}; deliberately not reported: {dict(explained)}")
    print(f"Findings of ours that Lint lacks, by code: {dict(extra.most_common())}")
    assert checked > 4000, "Lint produced suspiciously few warnings"
    assert not missing, "Lint warnings without a finding of ours:\n" + "\n".join(missing[:40])


def test_the_deliberate_differences_occur_in_the_test_data(lint_runs):
    """Keeps DELIBERATE honest: the ?/! difference is real in jazz_1k, not a hypothetical."""
    records, warnings = lint_runs
    kinds = Counter(_kind(m)[0] for msgs in warnings.values() for m in msgs)
    assert kinds["punct_final_qmark"] > 0
    assert kinds["indicator"] > 1000
