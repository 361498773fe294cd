"""Language codes as MARC writes them (ISO 639-2/B: chi, ger, fre) named in the reader's language.

Babel (CLDR) names languages by their ISO 639-1 code where there is one (zh, de, fr) and by the
three-letter code otherwise (grc, mul, und, zxx); the bibliographic codes that differ from CLDR's
three-letter ones are mapped here.
"""
from __future__ import annotations

import re

from babel import Locale

# A language code as the catalogue keeps it: three lower-case letters (MARC 21 008 holds blanks or
# fill characters where the language is unknown).
LANGUAGE_CODE = re.compile(r"[a-z]{3}")

# ISO 639-2/B → ISO 639-1 for the languages a university library's catalogue commonly holds.
MARC_TO_ISO1 = {
    "ara": "ar", "bul": "bg", "cat": "ca", "chi": "zh", "cze": "cs", "dan": "da", "dut": "nl",
    "eng": "en", "est": "et", "fin": "fi", "fre": "fr", "ger": "de", "gre": "el", "heb": "he",
    "hin": "hi", "hrv": "hr", "hun": "hu", "ice": "is", "ind": "id", "ita": "it", "jpn": "ja",
    "kaz": "kk", "kor": "ko", "lat": "la", "lav": "lv", "lit": "lt", "may": "ms", "mon": "mn",
    "nor": "no", "per": "fa", "pol": "pl", "por": "pt", "rum": "ro", "rus": "ru", "slo": "sk",
    "slv": "sl", "spa": "es", "srp": "sr", "swe": "sv", "tha": "th", "tib": "bo", "tur": "tr",
    "uig": "ug", "ukr": "uk", "urd": "ur", "vie": "vi", "wel": "cy",
}


def language_name(code: str, locale: Locale | None) -> str:
    """The language's name in `locale`, or the code itself when CLDR has none."""
    if locale is None:
        return code
    names = locale.languages
    return names.get(MARC_TO_ISO1.get(code, code)) or names.get(code) or code
