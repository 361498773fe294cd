"""MARCXML in and out, streamed, with pymarc's SAX handler doing the record building.

What pymarc's handler cannot do on its own, and this module adds:
- tell a MARC <record> from an SRU or OAI wrapper <record> (it takes both for records): a record
  is MARC when it has a leader, controlfield or datafield child in its own namespace, whatever
  that namespace is (MARC21 slim, marcxchange, dp2's http://www.nlc.cn/, unimarcxml, none);
- report a <subfield> without code, a field without tag, a bad leader, on that record only;
- read a file of several <record> roots (not well-formed XML) by wrapping it in one element;
- keep the records read before the XML breaks, then report where it broke.
"""
from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO
from xml.sax import SAXParseException, make_parser
from xml.sax.expatreader import ExpatLocator
from xml.sax.handler import feature_external_ges, feature_namespaces

from pymarc import Leader, Record
from pymarc.marcxml import MARC_XML_NS, XmlHandler, record_to_xml_node

from . import encodings as enc
from .checks import check_writable, output_leader
from .messages import Message, msg
from .results import ReadResult

BLOCK_SIZE = 1 << 20
SRU_NAMESPACES = {"http://www.loc.gov/zing/srw/", "http://docs.oasis-open.org/ns/search-ws/sruResponse"}
SRU_DIAGNOSTIC_NAMESPACES = {
    "http://www.loc.gov/zing/srw/diagnostic/",
    "http://docs.oasis-open.org/ns/search-ws/diagnostic",
}
_MARC_CHILDREN = {"leader", "controlfield", "datafield"}
_MARC_ELEMENTS = _MARC_CHILDREN | {"subfield"}
_WRAPPER = b"bianmu-wrapper"
_DECLARATION = re.compile(rb"\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_NATIVE = {"utf-8", "utf8", "us-ascii", "ascii"}


class _Frame:
    """An open <record> element; it becomes a MARC record when a MARC child shows up."""

    __slots__ = ("ns", "line", "marc", "holds_marc", "error", "schema")

    def __init__(self, ns: str | None, line: int):
        self.ns = ns
        self.line = line
        self.marc = False
        self.holds_marc = False
        self.error: Message | None = None
        self.schema = ""


class _Handler(XmlHandler):
    def __init__(self):
        super().__init__(strict=False, normalize_form="NFC")
        self.out: list[tuple[Record | None, int, Message | None, tuple]] = []
        self.frames: list[_Frame] = []
        self.depth = 0
        self.roots = 0
        self.several_roots_noted = False
        self.wrapped = False
        self._diagnostic: list[str] = []
        self._diag_line = 0

    def _line(self) -> int:
        return self._locator.getLineNumber() if getattr(self, "_locator", None) else 0

    def startElementNS(self, name, qname, attrs):
        self.depth += 1
        if self.wrapped and self.depth == 2:
            self.roots += 1
        ns, local = name
        self._text = []
        if local == "record":
            self.frames.append(_Frame(ns, self._line()))
            return
        if ns in SRU_DIAGNOSTIC_NAMESPACES and local == "diagnostic":
            self._diagnostic, self._diag_line = [], self._line()
        frame = self.frames[-1] if self.frames else None
        if frame is None or ns != frame.ns or local not in _MARC_ELEMENTS or frame.error:
            return
        if local in _MARC_CHILDREN and not frame.marc:
            frame.marc = True
            self._record = Record()
        if not frame.marc:
            return
        if local in ("controlfield", "datafield") and not attrs.get((None, "tag")):
            frame.error = msg("xml_no_tag", element=local, line=self._line())
            return
        if local == "subfield":
            code = attrs.get((None, "code"))
            if not code:
                tag = self._field.tag if self._field is not None else "?"
                frame.error = msg("xml_no_code", tag=tag, line=self._line())
                return
        super().startElementNS(name, qname, attrs)

    def endElementNS(self, name, qname):
        self.depth -= 1
        ns, local = name
        frame = self.frames[-1] if self.frames else None
        if local == "record" and frame is not None and frame.ns == ns:
            self.frames.pop()
            self._close_frame(frame)
        elif frame is not None and frame.marc and not frame.error and ns == frame.ns and local in _MARC_ELEMENTS:
            if local == "leader":
                text = "".join(self._text)
                if len(text) != 24 and len(text.strip()) == 24:
                    self._text = [text.strip()]
                elif len(text) != 24:
                    frame.error = msg("bad_leader", detail=f"{len(text)} characters, not 24 (line {self._line()})")
            if not frame.error:
                super().endElementNS(name, qname)
        elif frame is not None and local == "recordSchema" and ns in SRU_NAMESPACES:
            frame.schema = "".join(self._text).strip()
        elif ns in SRU_DIAGNOSTIC_NAMESPACES:
            if local in ("message", "details", "uri"):
                text = "".join(self._text).strip()
                if text:
                    self._diagnostic.append(text)
            elif local == "diagnostic":
                detail = " / ".join(self._diagnostic) or "?"
                self.out.append((None, self._diag_line, msg("sru_diagnostic", detail=detail), ()))
        self._text = []

    def _close_frame(self, frame: _Frame) -> None:
        record, self._record, self._field = self._record, None, None
        if self.frames:
            self.frames[-1].holds_marc |= frame.marc or frame.holds_marc
        if frame.error:
            self.out.append((None, frame.line, frame.error, ()))
        elif frame.marc:
            enc.tidy_leader(record)
            if enc.is_marc21(record):
                enc.set_leader_pos(record, 9, "a")
            warns = ()
            if self.roots > 1 and not self.several_roots_noted:
                self.several_roots_noted = True
                warns = (msg("xml_several_roots"),)
            self.out.append((record, frame.line, None, warns))
        elif frame.ns in SRU_NAMESPACES and not frame.holds_marc:
            self.out.append((None, frame.line, msg("sru_no_marc", schema=frame.schema or "?"), ()))

    def process_record(self, record):  # pymarc calls this on </record>; _close_frame does the work
        pass


def read_marcxml(stream: BinaryIO, encoding: str | None = None) -> Iterator[ReadResult]:
    handler = _Handler()
    parser = make_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setFeature(feature_external_ges, False)
    parser.setContentHandler(handler)
    handler.setDocumentLocator(ExpatLocator(parser))  # feed() alone never sets one
    index = 0

    def drain():
        nonlocal index
        for record, line, error, warns in handler.out:
            index += 1
            yield ReadResult(record, index, line=line, error=error, warnings=warns)
        handler.out.clear()

    try:
        for data in _prepared(stream, handler):
            parser.feed(data)
            yield from drain()
        parser.close()
        yield from drain()
    except SAXParseException as exc:
        yield from drain()
        index += 1
        line = exc.getLineNumber()
        error = msg("xml_syntax", line=line, column=exc.getColumnNumber(), detail=exc.getMessage())
        yield ReadResult(None, index, line=line, error=error)


def _prepared(stream: BinaryIO, handler: _Handler) -> Iterator[bytes]:
    """The document as UTF-8 blocks, inside a wrapper element so that several roots parse.

    The declaration is kept in front of the wrapper and on the same line, so line numbers stay
    those of the file. A declared encoding that expat lacks (GBK, GB18030…) is decoded here.
    """
    first = stream.read(BLOCK_SIZE)
    decoder = None
    if first.startswith(codecs.BOM_UTF8):
        first = first[3:]
    elif first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoder = codecs.getincrementaldecoder("utf-16")()
    if decoder is None:
        match = _DECLARED_ENCODING.search(first[:200]) if first.lstrip().startswith(b"<?xml") else None
        declared = match.group(1).decode("ascii").lower() if match else "utf-8"
        if declared not in _NATIVE:
            decoder = codecs.getincrementaldecoder(declared)()
    if decoder is not None:
        first = decoder.decode(first).encode("utf-8")
    decl = _DECLARATION.match(first)
    prolog, body = (first[:decl.end()], first[decl.end():]) if decl else (b"", first)
    if decoder is not None:
        prolog = b'<?xml version="1.0" encoding="UTF-8"?>' if decl else b""
    handler.wrapped = not body.lstrip().startswith(b"<!DOCTYPE")
    if handler.wrapped:
        yield prolog + b"<" + _WRAPPER + b">" + body
    else:
        yield prolog + body
    while True:
        block = stream.read(BLOCK_SIZE)
        if not block:
            break
        yield decoder.decode(block).encode("utf-8") if decoder else block
    if decoder is not None:
        yield decoder.decode(b"", final=True).encode("utf-8")
    if handler.wrapped:
        yield b"</" + _WRAPPER + b">"


# ---------------------------------------------------------------- writing

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def record_element(record: Record) -> ET.Element:
    rec = enc.nfc_copy(record)
    check_writable(rec, "marcxml")
    leader = output_leader(str(rec.leader))
    if enc.is_marc21(rec):
        leader = leader[:9] + "a" + leader[10:]
    out = Record()
    out.leader = Leader(leader)
    out.fields = rec.fields
    return record_to_xml_node(out)


def record_xml(record: Record, namespace: bool = False) -> bytes:
    node = record_element(record)
    if namespace:
        node.set("xmlns", MARC_XML_NS)
    return ET.tostring(node, encoding="utf-8")


COLLECTION_START = XML_DECLARATION + f'<collection xmlns="{MARC_XML_NS}">\n'.encode()
COLLECTION_END = b"</collection>\n"
