"""The MARC editor's text: MarcMaker lines in, a record and line-by-line messages out."""
from __future__ import annotations

from dataclasses import dataclass, field

from pymarc import Record

from app.marc.io import read, to_bytes
from app.marc.validate import validate

TEMPLATES = {
    "cnmarc_book": "\n".join([
        "=LDR  00000nam0 2200000   450 ",
        "=010  \\\\$a$dCNY",
        "=100  \\\\$aYYYYMMDDdYYYY    em y0chiy50      ea",
        "=101  0\\$achi",
        "=102  \\\\$aCN$b",
        "=105  \\\\$ay   z   000yy",
        "=106  \\\\$ar",
        "=200  1\\$a$f",
        "=210  \\\\$a$c$d",
        "=215  \\\\$a$d",
        "=606  0\\$a",
        "=690  \\\\$a$v5",
        "=701  \\0$a$4著",
        "=801  \\0$aCN$b$c",
    ]),
    "marc21_book": "\n".join([
        "=LDR  00000nam a2200000 i 4500",
        "=008  YYMMDDsYYYY\\\\\\\\xxu\\\\\\\\\\\\\\\\\\\\\\000\\0\\eng\\d",
        "=020  \\\\$a",
        "=040  \\\\$a$beng$erda$c",
        "=050  \\4$a",
        "=100  1\\$a,$eauthor.",
        "=245  10$a :$b /$c.",
        "=264  \\1$a :$b,$c.",
        "=300  \\\\$a pages ;$c cm",
        "=336  \\\\$atext$btxt$2rdacontent",
        "=337  \\\\$aunmediated$bn$2rdamedia",
        "=338  \\\\$avolume$bnc$2rdacarrier",
        "=650  \\0$a",
    ]),
}


@dataclass
class Message:
    line: int | None
    severity: str  # "error" | "warning"
    zh: str
    en: str
    tag: str | None = None


@dataclass
class Parsed:
    record: Record | None
    messages: list[Message] = field(default_factory=list)

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.severity == "error"]


def _field_lines(text: str) -> dict[tuple[str, int], int]:
    seen: dict[str, int] = {}
    lines = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("=") and len(line) >= 4:
            tag = line[1:4].upper()
            tag = "LDR" if tag == "LDR" else tag
            seen[tag] = seen.get(tag, 0) + 1
            lines[(tag, seen[tag])] = number
    return lines


def parse(text: str, check: bool = True) -> Parsed:
    """Read one record from the editor. Everything wrong is a message, never an exception."""
    text = (text or "").replace("\r\n", "\n").strip("\n")
    if not text.strip():
        return Parsed(None, [Message(None, "error", "记录为空。", "The record is empty.")])
    if not text.startswith("=LDR"):
        return Parsed(None, [Message(1, "error", "记录须以头标区 =LDR 行开始。",
                                     "The record must begin with the leader line, =LDR.")])
    results = list(read(text.encode("utf-8"), format="mrk", encoding="utf-8"))
    if len(results) != 1:
        return Parsed(None, [Message(None, "error", "编辑器中只能有一条记录（记录之间不能有空行）。",
                                     "The editor holds one record (no blank lines inside it).")])
    result = results[0]
    if not result.ok:
        return Parsed(None, [Message(result.line, "error", result.error.zh, result.error.en)])
    parsed = Parsed(result.record, [Message(result.line, "warning", w.zh, w.en) for w in result.warnings])
    if check:
        lines = _field_lines(text)
        for f in validate(result.record):
            line = lines.get((f.tag, f.occurrence or 1)) or lines.get((f.tag, 1))
            parsed.messages.append(Message(line, f.severity, f.message.zh, f.message.en, f.tag))
        parsed.messages.sort(key=lambda m: (m.severity != "error", m.line or 0))
    return parsed


def text_of(record: Record) -> str:
    return to_bytes(record, "mrk").decode("utf-8").replace("\r\n", "\n").strip("\n")
