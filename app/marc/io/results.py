"""What a read yields, and the two exceptions of the I/O layer.

A damaged record is a result, not an exception, so that one bad record never hides the rest of
the file; only a file that cannot be read at all raises.
"""
from __future__ import annotations

from dataclasses import dataclass

from pymarc import Record

from .messages import Message


@dataclass(slots=True)
class ReadResult:
    record: Record | None
    index: int  # 1-based position of the item in the file (damaged items count too)
    offset: int | None = None  # byte offset of the item's first byte (ISO 2709)
    line: int | None = None  # 1-based line where the item starts (MARCXML, MarcMaker, JSON Lines)
    error: Message | None = None
    warnings: tuple[Message, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    def where(self, lang: str = "en") -> str:
        """A position a person can find in the file: record number plus byte or line."""
        zh = lang.startswith("zh")
        parts = [f"第 {self.index} 条记录" if zh else f"record {self.index}"]
        if self.offset is not None:
            parts.append(f"字节 {self.offset}" if zh else f"byte {self.offset}")
        if self.line is not None:
            parts.append(f"第 {self.line} 行" if zh else f"line {self.line}")
        return ("，" if zh else ", ").join(parts)


class _BilingualError(Exception):
    def __init__(self, message: Message):
        super().__init__(message.en)
        self.message = message

    @property
    def zh(self) -> str:
        return self.message.zh

    @property
    def en(self) -> str:
        return self.message.en

    @property
    def code(self) -> str:
        return self.message.code


class MarcReadError(_BilingualError):
    """The file cannot be read at all: missing, empty, unknown format."""


class MarcWriteError(_BilingualError):
    """A record cannot be written in the requested format or character set."""
