"""Reading a list of ISBNs as a library sends it: typed text, a CSV file or an .xlsx spreadsheet.

Pure (no Flask, no database). Every item keeps the line (or spreadsheet row) it came from, so the
report can say "line 12: wrong check digit" in terms the library can find in its own file.

Text: one ISBN a line, or several separated by commas, semicolons, tabs or spaces. Spaces are also
allowed inside an ISBN ("978 7 5037 1744 7"): a piece whose characters other than spaces and
hyphens are 10 or 13 long is one ISBN, anything longer is split at the spaces. A leading "ISBN" /
"ISBN-13:" is dropped, words without a digit ("(pbk.)", "精装") are ignored.
Spreadsheets: the column titled ISBN (any title containing "isbn"), else the first column; a first
row without a digit is taken for a header. Excel stores 0306406152 as the number 306406152: a
numeric cell of 9 digits gets its leading zero back.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from app.marc.normalise import base, isbn_key

MAX_BYTES = 5 * 1024 * 1024
MAX_ITEMS = 20_000

# Problems, as codes; the service turns them into words.
BAD_LENGTH, BAD_CHECK, BAD_CHARS, NO_ISBN = "length", "check_digit", "characters", "no_isbn"

_PIECES = re.compile(r"[,;，；、\t]+")
_PREFIX = re.compile(r"^\s*ISBN(?:[-\s]?1[03])?\s*[:：]?\s*", re.IGNORECASE)


class ListError(ValueError):
    """The list cannot be read at all (too big, not a spreadsheet …); `code` says why."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Item:
    line: int
    raw: str
    isbn: str | None  # the normalised ISBN-13, None when invalid
    problem: str | None = None


def check(raw: str, line: int) -> Item:
    text = _PREFIX.sub("", base(raw)).strip()
    compact = re.sub(r"[\s\-‐‑–—]", "", text).upper()
    if not re.fullmatch(r"[0-9X]+", compact):
        return Item(line, raw, None, BAD_CHARS)
    if len(compact) not in (10, 13) or "X" in compact[:-1] or (len(compact) == 13 and "X" in compact):
        return Item(line, raw, None, BAD_LENGTH)
    key = isbn_key(compact)
    return Item(line, raw, key, None if key else BAD_CHECK)


def _split(text: str) -> list[str]:
    out = []
    for piece in _PIECES.split(text):
        piece = _PREFIX.sub("", piece.strip())
        if not piece:
            continue
        if len(re.sub(r"[\s\-]", "", piece)) in (10, 13):
            out.append(piece)
            continue
        out.extend(t for t in piece.split() if any(c.isdigit() for c in t))
    return out


def _items_of_line(text: str, line: int) -> list[Item]:
    text = base(text)
    if not text:
        return []
    tokens = _split(text)
    if not tokens:
        return [Item(line, text[:100], None, NO_ISBN)]
    return [check(t, line) for t in tokens]


def _limit(items: list[Item]) -> list[Item]:
    if len(items) > MAX_ITEMS:
        raise ListError("too_many", max=MAX_ITEMS)
    return items


def from_text(text: str) -> list[Item]:
    items: list[Item] = []
    for n, line in enumerate(text.splitlines(), start=1):
        items.extend(_items_of_line(line, n))
        if len(items) > MAX_ITEMS:
            break
    return _limit(items)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        s = str(value)
        return "0" + s if len(s) == 9 else s
    return str(value)


def _column(header: list[str]) -> int | None:
    for i, title in enumerate(header):
        if "isbn" in title.lower():
            return i
    return None


def from_rows(rows) -> list[Item]:
    """Rows of cells (first row possibly a header) → items, by row number."""
    items: list[Item] = []
    col = 0
    for n, row in enumerate(rows, start=1):
        cells = [_cell(v) for v in row]
        if n == 1:
            found = _column(cells)
            if found is not None:
                col = found
                continue
            if cells and cells[0] and not any(c.isdigit() for c in cells[0]):
                continue  # a header without "ISBN" in it
        value = cells[col].strip() if col < len(cells) else ""
        if value:
            items.extend(_items_of_line(value, n))
        if len(items) > MAX_ITEMS:
            break
    return _limit(items)


def from_csv(data: bytes) -> list[Item]:
    for charset in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(charset)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ListError("encoding")
    return from_rows(csv.reader(io.StringIO(text)))


def from_xlsx(data: bytes) -> list[Item]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged or disguised file: openpyxl raises many kinds
        raise ListError("not_xlsx") from None
    try:
        sheet = book.worksheets[0]
        return from_rows(sheet.iter_rows(values_only=True))
    finally:
        book.close()


def decode_text(data: bytes) -> str:
    for charset in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            continue
    raise ListError("encoding")  # pragma: no cover


def from_upload(filename: str, data: bytes) -> list[Item]:
    """A file as uploaded: its extension (or its first bytes) says what it is."""
    if len(data) > MAX_BYTES:
        raise ListError("too_big", max=MAX_BYTES)
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return from_xlsx(data)
    if name.endswith(".xls"):
        raise ListError("xls")
    if name.endswith(".csv"):
        return from_csv(data)
    return from_text(decode_text(data))


def distinct(items: list[Item]) -> tuple[list[Item], dict[int, int]]:
    """The first item of each ISBN, and for each later repeat (by position) the line it repeats."""
    first: dict[str, Item] = {}
    repeats: dict[int, int] = {}
    for pos, item in enumerate(items):
        if item.isbn is None:
            continue
        if item.isbn in first:
            repeats[pos] = first[item.isbn].line
        else:
            first[item.isbn] = item
    return list(first.values()), repeats
