"""Reading and writing MARC files: ISO 2709, MARCXML, MARC-in-JSON and MarcMaker text.

    for result in read("upload.mrc"):          # format and character set are detected
        if result.ok:
            use(result.record)                  # a pymarc.Record, text in NFC
        else:
            report(result.where(), result.error.zh, result.error.en)

    write(records, "out.xml")                   # format from the extension
    data = to_bytes(record, "iso2709", "gb18030")

See docs/marc-io.md for the formats, character sets and how damaged input is handled.
"""
from .detect import FORMATS, detect_format
from .messages import Message
from .reading import read, read_records
from .results import MarcReadError, MarcWriteError, ReadResult
from .writing import MarcWriter, to_bytes, write

__all__ = [
    "FORMATS",
    "MarcReadError",
    "MarcWriteError",
    "MarcWriter",
    "Message",
    "ReadResult",
    "detect_format",
    "read",
    "read_records",
    "to_bytes",
    "write",
]
