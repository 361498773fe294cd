"""Moodle GIFT text: export and import of the objective question types.

    text = export_gift(items)            # ItemSpecs or dicts in the shared shapes
    result = import_gift(text)           # ImportResult(items, skipped, warnings)

Parsing follows Moodle's own importer (qformat_gift): questions are separated by blank lines,
`\\` escapes `~ = # { } :` and `\\n` is a line break, `//` lines are comments (and carry
`[id:…]` and `[tag:…]`), `::name::` precedes the text, `####` starts the general feedback.
Unsupported types (essay, numerical, matching, description) are skipped and reported.
"""
from __future__ import annotations

import re
from decimal import Decimal

from .common import (ImportResult, Skipped, build, category_from_path, category_path,
                     exportable, feedback_text, html_to_text, meta_tags, mlang, multiple_fractions,
                     pct, text_to_html)

_SPECIAL = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004",
            "~": "\ue005", "n": "\ue006"}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _SPECIAL.items()}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d*)?)%")
_FORMATS = ("moodle", "html", "plain", "markdown")


def escape(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in "~=#{}:":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\r", "").replace("\n", "\\n")


def _html(text: str) -> str:
    return escape(text_to_html(text))


# ------------------------------------------------------------------ export


def export_gift(items) -> str:
    """GIFT for Moodle: question text and answers in HTML, both languages as {mlang} blocks."""
    out = ["// Bianmu question bank (GIFT). The question name and [id:] are our code;",
           "// bianmu-* tags keep language group, difficulty and the multiple-choice rule.", ""]
    category = object()
    for item in exportable(items):
        if item.get("category") != category:
            category = item.get("category")
            out += [f"$CATEGORY: {category_path(category)}", ""]
        content, key, qtype = item["content"], item["key"], item["type"]
        tags = " ".join(f"[tag:{t.replace(']', chr(92) + ']')}]" for t in meta_tags(item))
        out.append(f"// [id:{item['code']}] {tags}".rstrip())
        out.append(f"::{escape(str(item['code']))}::[html]"
                   f"{_html(mlang(content['text'], content.get('text_en')))}{{")
        if qtype == "single":
            for c in content["choices"]:
                mark = "=" if c["key"] == key["answer"] else "~"
                out.append(f"\t{mark}{_html(mlang(c['text'], c.get('text_en')))}")
        elif qtype == "multiple":
            fractions = multiple_fractions(content, key)
            for c in content["choices"]:
                out.append(f"\t~%{pct(fractions[c['key']])}%{_html(mlang(c['text'], c.get('text_en')))}")
        elif qtype == "truefalse":
            out.append("\tTRUE" if key["answer"] else "\tFALSE")
        else:  # fill -> shortanswer
            out += [f"\t={_html(a)}" for a in key["answer"]]
        feedback = feedback_text(key)
        if feedback:
            out.append(f"\t####{_html(feedback)}")
        out += ["}", ""]
    return "\n".join(out)


# ------------------------------------------------------------------ import


def _pre(text: str) -> str:
    """Escaped specials become placeholders (as Moodle does), `\\\\` a plain backslash."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "\\":
                out.append("\\")
                i += 2
                continue
            if nxt in _SPECIAL:
                out.append(_SPECIAL[nxt])
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _post(text: str) -> str:
    return "".join(_RESTORE.get(ch, ch) for ch in text)


def _with_format(text: str, default: str) -> tuple[str, str]:
    text = text.strip()
    m = re.match(r"^\[([a-z]+)\]", text)
    fmt = default
    if m and m.group(1) in _FORMATS:
        fmt, text = m.group(1), text[m.end():]
    return _post(text).strip(), fmt


def _plain(text: str, fmt: str) -> str:
    return html_to_text(text) if fmt == "html" else text


def _blocks(text: str):
    """(first line number, lines) of each blank-line-separated block."""
    block, start = [], 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _comment_meta(comments: str) -> tuple[str, list[str]]:
    m = re.search(r"\[id:((?:\\]|[^\]\x00-\x1f])+)\]", comments)
    idnumber = m.group(1).replace("\\]", "]").strip() if m else ""
    tags = [t.replace("\\]", "]").strip()
            for t in re.findall(r"\[tag:((?:\\]|[^\]<>`\x00-\x1f])+)\]", comments)]
    return idnumber, tags


def import_gift(text: str, *, strict: bool = False, category: str | None = None) -> ImportResult:
    """Objective questions from GIFT. Unsupported or invalid questions are listed in `skipped`
    (with strict=True they raise FormatError instead). `category` is the fallback when the file
    has no $CATEGORY naming one of ours."""
    result = ImportResult()
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    current = category
    for line_no, lines in _blocks(text):
        comments = "\n".join(ln.strip() for ln in lines if ln.strip().startswith("//"))
        body = "\n".join(" " if ln.strip().startswith("//") else ln for ln in lines).strip()
        if not body:
            continue
        body = _pre(body)
        if body.startswith("$CATEGORY:"):
            current = category_from_path(_post(body[10:]).strip()) or category
            continue
        _question(result, f"line {line_no}", body, comments, current)
    return result.finish(strict)


def _question(result: ImportResult, position: str, body: str, comments: str, category) -> None:
    name = None
    if body.startswith("::") and "::" in body[2:]:
        end = body.index("::", 2)
        name, body = _post(body[2:end]).strip(), body[end + 2:].strip()
    idnumber, tags = _comment_meta(comments)
    start, finish = body.find("{"), body.find("}")
    if start < 0 and finish < 0:
        result.skipped.append(Skipped(position, name, "description", "unsupported question type"))
        return
    if start < 0 or finish < start:
        result.skipped.append(Skipped(position, name, "?", "unbalanced { } in the question"))
        return
    answers = body[start + 1:finish].strip()
    qtext = body[:start] + body[finish + 1:] if body.endswith("}") \
        else body[:start] + "_____" + body[finish + 1:]
    general = ""
    if "####" in answers:
        cut = answers.rindex("####")
        answers, general = answers[:cut].strip(), answers[cut + 4:]
    qtext, fmt = _with_format(qtext, "moodle")
    general, gfmt = _with_format(general, fmt)
    common = {"code": idnumber or None, "tags": tags, "category": category, "points": None,
              "text": _plain(qtext, fmt), "feedback": _plain(general, gfmt)}
    if answers == "":
        qtype = "essay"
    elif answers.startswith("#"):
        qtype = "numerical"
    elif "~" in answers:
        qtype = "multichoice"
    elif "=" in answers and "->" in answers:
        qtype = "match"
    else:
        head = answers.split("#", 1)[0].strip()
        qtype = "truefalse" if head in ("T", "TRUE", "F", "FALSE") else "shortanswer"
    if qtype == "multichoice":
        _multichoice(result, position, name, answers, fmt, common)
    elif qtype == "truefalse":
        build(result, position, name, "truefalse", answer=answers.split("#", 1)[0].strip()
              in ("T", "TRUE"), **common)
    elif qtype == "shortanswer":
        _shortanswer(result, position, name, answers, fmt, common)
    else:
        result.skipped.append(Skipped(position, name, qtype, "unsupported question type"))


def _weighted(answers: str, fmt: str, marker: str) -> list[tuple[Decimal | None, str]]:
    out = []
    for part in answers.replace("=", marker + "=").split(marker):
        part = part.strip()
        if not part:
            continue
        weight = None
        if part.startswith("="):
            part, weight = part[1:], Decimal(100)
        if m := _WEIGHT.match(part):
            part, weight = part[m.end():], Decimal(m.group(1))
        answer, afmt = _with_format(part.split("#", 1)[0], fmt)  # after '#': answer feedback
        out.append((weight, _plain(answer, afmt)))
    return out


def _multichoice(result, position, name, answers, fmt, common):
    single = "=" in answers
    options = [(w if w is not None else Decimal(0), t) for w, t in _weighted(answers, fmt, "~")]
    texts = [t for _, t in options]
    if single:
        right = [chr(ord("A") + i) for i, (w, _) in enumerate(options) if w == 100]
        if len(right) != 1:
            result.skipped.append(Skipped(position, name, "multichoice",
                                          "a single-answer question needs exactly one 100% answer"))
            return
        build(result, position, name, "single", choices=texts, answer=right[0], **common)
        return
    right = [chr(ord("A") + i) for i, (w, _) in enumerate(options) if w > 0]
    if build(result, position, name, "multiple", choices=texts, answer=right, **common):
        _check_fractions(result, position, name, [w for w, _ in options])


def _check_fractions(result, position, name, weights: list[Decimal]) -> None:
    n = sum(1 for w in weights if w > 0)
    share = Decimal(100) / n if n else Decimal(0)
    if any(abs(abs(w) - share) > Decimal("0.001") and w != -100 for w in weights):
        result.warnings.append(f"{position} {name or ''}: Moodle fractions {[str(w) for w in weights]}"
                               " are not ±100/n; scored here by the question's partial_credit rule")


def _shortanswer(result, position, name, answers, fmt, common):
    accepted, dropped = [], []
    for weight, text in _weighted(answers, fmt, "\ue007"):
        (accepted if weight in (None, 100) else dropped).append(text)
    if dropped:
        result.warnings.append(f"{position} {name or ''}: answers with partial credit dropped "
                               f"{dropped}")
    build(result, position, name, "fill", answer=accepted, **common)
