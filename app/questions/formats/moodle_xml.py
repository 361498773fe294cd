"""Moodle XML: export and import of the objective question types.

    data = export_moodle_xml(items)      # UTF-8 bytes
    result = import_moodle_xml(data)     # ImportResult(items, skipped, warnings)

single/multiple <-> multichoice (single true/false; multiple-answer fractions +100/n and -100/n,
see common.multiple_fractions), truefalse <-> truefalse, fill <-> shortanswer; the third-party
All-or-Nothing type (multichoiceset) is read as multiple/all_or_nothing. A file with a DTD or
entity declarations is refused before any element is built (no XXE, no entity expansion bombs).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from xml.parsers import expat

from .common import (FormatError, ImportResult, Skipped, build, category_from_path,
                     category_path, exportable, feedback_text, html_to_text, meta_tags, mlang,
                     multiple_fractions, pct, text_to_html)

MAX_BYTES = 20 * 1024 * 1024


# ------------------------------------------------------------------ export


def _text(parent, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = value
    return el


def _answer(parent, fraction: str, text: str, fmt: str = "html") -> None:
    el = ET.SubElement(parent, "answer", {"fraction": fraction, "format": fmt})
    ET.SubElement(el, "text").text = text
    _text(el, "feedback", "")


def _question(quiz, item: dict) -> None:
    content, key, qtype = item["content"], item["key"], item["type"]
    moodle_type = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse",
                   "fill": "shortanswer"}[qtype]
    q = ET.SubElement(quiz, "question", {"type": moodle_type})
    name = ET.SubElement(q, "name")
    ET.SubElement(name, "text").text = str(item["code"])
    _text(q, "questiontext", text_to_html(mlang(content["text"], content.get("text_en"))))
    _text(q, "generalfeedback", text_to_html(feedback_text(key)))
    points = item.get("points")
    ET.SubElement(q, "defaultgrade").text = str(points if points is not None else 1)
    ET.SubElement(q, "penalty").text = "0"
    ET.SubElement(q, "hidden").text = "0"
    ET.SubElement(q, "idnumber").text = str(item["code"])
    if qtype in ("single", "multiple"):
        ET.SubElement(q, "single").text = "true" if qtype == "single" else "false"
        ET.SubElement(q, "shuffleanswers").text = "false"
        ET.SubElement(q, "answernumbering").text = "ABCD"
        if qtype == "single":
            fractions = {c["key"]: Decimal(100 if c["key"] == key["answer"] else 0)
                         for c in content["choices"]}
        else:
            fractions = multiple_fractions(content, key)
        for c in content["choices"]:
            _answer(q, pct(fractions[c["key"]]), text_to_html(mlang(c["text"], c.get("text_en"))))
    elif qtype == "truefalse":
        _answer(q, "100" if key["answer"] else "0", "true", "moodle_auto_format")
        _answer(q, "0" if key["answer"] else "100", "false", "moodle_auto_format")
    else:
        ET.SubElement(q, "usecase").text = "0"
        for accepted in key["answer"]:
            _answer(q, "100", accepted, "moodle_auto_format")
    tags = ET.SubElement(q, "tags")
    for tag in meta_tags(item):
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag


def export_moodle_xml(items) -> bytes:
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(" Bianmu question bank. name and idnumber are our code; bianmu-* tags "
                           "keep language group, difficulty and the multiple-choice rule. "))
    category = object()
    for item in exportable(items):
        if item.get("category") != category:
            category = item.get("category")
            q = ET.SubElement(quiz, "question", {"type": "category"})
            cat = ET.SubElement(q, "category")
            ET.SubElement(cat, "text").text = category_path(category)
        _question(quiz, item)
    ET.indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8",
                                                                     xml_declaration=False) + b"\n"


# ------------------------------------------------------------------ safe parsing


def parse_safely(data: bytes) -> tuple[ET.Element, list[int]]:
    """The element tree, and the line of each top-level <question>.

    Built from expat directly so that a DOCTYPE or an entity declaration stops the parse before
    anything is expanded or fetched."""
    if len(data) > MAX_BYTES:
        raise FormatError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    parser.buffer_text = True
    lines: list[int] = []
    depth = 0

    def refuse(*_args):
        raise FormatError("XML with a DTD or entity declarations is refused (<!DOCTYPE>, <!ENTITY>)")

    def start(name, attrs):
        nonlocal depth
        if depth == 1 and name == "question":
            lines.append(parser.CurrentLineNumber)
        depth += 1
        builder.start(name, attrs)

    def end(name):
        nonlocal depth
        depth -= 1
        builder.end(name)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        raise FormatError(f"not well-formed XML: {e}") from None
    return builder.close(), lines


# ------------------------------------------------------------------ import


def _field(q: ET.Element, tag: str) -> str:
    """The text of <tag><text>, as plain text when its format is html."""
    el = q.find(tag)
    if el is None:
        return ""
    raw = el.findtext("text") or ""
    return html_to_text(raw) if el.get("format", "html") == "html" else raw.strip()


def _answers(q: ET.Element, fmt_default: str) -> list[tuple[Decimal, str]]:
    out = []
    for a in q.findall("answer"):
        try:
            fraction = Decimal(a.get("fraction", "0"))
        except InvalidOperation:
            fraction = Decimal(0)
        raw = a.findtext("text") or ""
        text = html_to_text(raw) if a.get("format", fmt_default) == "html" else raw.strip()
        out.append((fraction, text))
    return out


def import_moodle_xml(data: bytes | str, *, strict: bool = False,
                      category: str | None = None) -> ImportResult:
    """Objective questions from Moodle XML. Unsupported or invalid questions are listed in
    `skipped` (strict=True raises FormatError instead); `category` is the fallback when no
    category question names one of ours."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    root, lines = parse_safely(data)
    if root.tag != "quiz":
        raise FormatError(f"the root element is <{root.tag}>, not <quiz>")
    result = ImportResult()
    current = category
    for n, (q, line) in enumerate(zip(root.findall("question"), lines), 1):
        qtype = q.get("type", "")
        if qtype == "category":
            current = category_from_path(q.findtext("category/text")) or category
            continue
        name = (q.findtext("name/text") or "").strip() or None
        position = f"question {n} (line {line})"
        if qtype not in ("multichoice", "multichoiceset", "truefalse", "shortanswer"):
            result.skipped.append(Skipped(position, name, qtype, "unsupported question type"))
            continue
        try:
            points = Decimal((q.findtext("defaultgrade") or "1").strip())
        except InvalidOperation:
            points = None
        common = {"code": (q.findtext("idnumber") or "").strip() or None,
                  "tags": [(t.findtext("text") or "").strip() for t in q.findall("tags/tag")],
                  "category": current, "points": points, "text": _field(q, "questiontext"),
                  "feedback": _field(q, "generalfeedback")}
        answers = _answers(q, "html")
        if qtype == "truefalse":
            right = [t.lower() for f, t in answers if f == 100]
            if right not in (["true"], ["false"]):
                result.skipped.append(Skipped(position, name, qtype, "no 100% true or false answer"))
                continue
            build(result, position, name, "truefalse", answer=right[0] == "true", **common)
        elif qtype == "shortanswer":
            accepted = [t for f, t in answers if f == 100]
            if dropped := [t for f, t in answers if f != 100]:
                result.warnings.append(f"{position} {name or ''}: answers with partial credit "
                                       f"dropped {dropped}")
            if (q.findtext("usecase") or "0").strip() not in ("0", "false"):
                result.warnings.append(f"{position} {name or ''}: case-sensitive in Moodle; "
                                       "matched here after case folding")
            build(result, position, name, "fill", answer=accepted, **common)
        else:
            _multichoice(result, position, name, q, qtype, answers, common)
    return result.finish(strict)


def _multichoice(result, position, name, q, qtype, answers, common) -> None:
    texts = [t for _, t in answers]
    keys = [chr(ord("A") + i) for i in range(len(answers))]
    single = (q.findtext("single") or "true").strip().lower() in ("true", "1")
    if qtype == "multichoice" and single:
        right = [k for k, (f, _) in zip(keys, answers) if f == 100]
        if len(right) != 1:
            result.skipped.append(Skipped(position, name, qtype,
                                          "a single-answer question needs exactly one 100% answer"))
            return
        build(result, position, name, "single", choices=texts, answer=right[0], **common)
        return
    right = [k for k, (f, _) in zip(keys, answers) if f > 0]
    built = build(result, position, name, "multiple", choices=texts, answer=right,
                  partial="all_or_nothing" if qtype == "multichoiceset" else None, **common)
    share = Decimal(100) / len(right) if right else Decimal(0)
    if built and qtype == "multichoice" and any(
            abs(abs(f) - share) > Decimal("0.001") and f != -100 for f, _ in answers):
        result.warnings.append(f"{position} {name or ''}: Moodle fractions "
                               f"{[str(f) for f, _ in answers]} are not ±100/n; scored here "
                               "by the question's partial_credit rule")
