"""Deductions in words a candidate understands, in Chinese and English.

Each message names the field (and subfield or position), says what the reference has and what
the candidate wrote. Long values are shortened; blanks in indicators and fixed positions are
shown as '#', as the MARC documentation does.
"""
from __future__ import annotations

from .compare import Ded
from .result import Deduction
from .rubric import FieldSpec, Position

_MAX = 60


def _q(v) -> str:
    v = "" if v is None else str(v)
    if len(v) > _MAX:
        v = v[:_MAX - 1] + "…"
    return f"“{v}”"


def _pair(exp, cand) -> tuple[str, str]:
    """Both values quoted; when they are long, a window around where they first differ, so that
    the candidate sees the error and not two identical-looking beginnings."""
    exp = "" if exp is None else str(exp)
    cand = "" if cand is None else str(cand)
    if max(len(exp), len(cand)) <= _MAX:
        return f"“{exp}”", f"“{cand}”"
    i = 0
    for a, b in zip(exp, cand):
        if a != b:
            break
        i += 1
    start = max(0, i - 20)
    width = _MAX - 2

    def window(v):
        w = v[start:start + width]
        return f"“{'…' if start else ''}{w}{'…' if start + width < len(v) else ''}”"
    return window(exp), window(cand)


def _blank(v) -> str:
    return (v or "").replace(" ", "#")


def _sub_label(code, sspec):
    zh = f"${code}（{sspec.zh}）" if sspec is not None and sspec.zh else f"${code}"
    en = f"${code} ({sspec.en})" if sspec is not None and sspec.en else f"${code}"
    return zh, en


_COSMETIC = {
    "punctuation": ("的标点与参考记录不同", "punctuation differs from the reference"),
    "case": ("的大小写与参考记录不同", "capitalisation differs from the reference"),
    "spacing": ("的空格与参考记录不同", "spacing differs from the reference"),
    "diacritics": ("的变音符号与参考记录不同", "diacritics differ from the reference"),
    "isbn_form": ("的 ISBN 形式（10 位或 13 位）与参考记录不同",
                  "ISBN form (10 or 13 digits) differs from the reference"),
}
_GENERATED_NOTE = ("CNMARC 不在子字段中著录 ISBD 标点，标点由系统按子字段代码生成。",
                   " CNMARC stores no ISBD punctuation; the system generates it from the "
                   "subfield codes.")


def field_missing(tag: str, spec: FieldSpec, expected: str, points: float) -> Deduction:
    req_zh = "，这是必备字段" if spec.required else ""
    req_en = " (a mandatory field)" if spec.required else ""
    lab_zh = f"（{spec.zh}）" if spec.zh else ""
    lab_en = f" ({spec.en})" if spec.en else ""
    return Deduction("missing_field", points,
                     f"缺少 {tag} 字段{lab_zh}{req_zh}。参考记录为：{expected}",
                     f"Field {tag}{lab_en} is missing{req_en}. The reference has: {expected}",
                     None, expected)


def field_extra(tag: str, spec: FieldSpec, candidate: str, points: float) -> Deduction:
    return Deduction("extra_field", points,
                     f"多余的 {tag} 字段：参考记录中没有与之对应的字段。",
                     f"Superfluous field {tag}: the reference has no field that matches it.",
                     candidate, None)


def wrong_tag(tag: str, ctag: str, spec: FieldSpec, points: float) -> Deduction:
    lab_zh = f"（{spec.zh}）" if spec.zh else ""
    lab_en = f" ({spec.en})" if spec.en else ""
    return Deduction("tag", points, f"字段标识符错误：应为 {tag}{lab_zh}，实为 {ctag}。",
                     f"Wrong tag: {ctag} should be {tag}{lab_en}.", ctag, tag)


def explain(d: Ded, tag: str, generated_punct: bool) -> Deduction:
    """Words for one raw deduction of field `tag`."""
    code, pts = d.code, d.points
    if code == "indicator":
        n = d.info
        zh = f"{tag} 字段第{'一' if n == 1 else '二'}指示符应为{_q(_blank(d.exp))}，实为{_q(_blank(d.cand))}。"
        en = f"{tag} indicator {n} should be {_q(_blank(d.exp))}, not {_q(_blank(d.cand))}."
        return Deduction(code, pts, zh, en, d.cand, d.exp)
    if code == "position":
        p: Position = d.info
        where_zh = f"{tag} 字段" + (f" ${d.sub} " if d.sub else "")
        where_en = f"{tag} ${d.sub}/{p.label}" if d.sub else f"{tag}/{p.label}"
        lab_zh = f"（{p.zh}）" if p.zh else ""
        lab_en = f" ({p.en})" if p.en else ""
        zh = f"{where_zh}第 {p.label} 位{lab_zh}应为{_q(_blank(d.exp))}，实为{_q(_blank(d.cand))}。"
        en = f"{where_en}{lab_en} should be {_q(_blank(d.exp))}, not {_q(_blank(d.cand))}."
        return Deduction(code, pts, zh, en, d.cand, d.exp, d.sub)
    if code == "order":
        zh = f"{tag} 字段子字段顺序与参考记录不同：应为 {d.exp}，实为 {d.cand}。"
        en = f"{tag} subfields are out of order: expected {d.exp}, found {d.cand}."
        return Deduction(code, pts, zh, en, d.cand, d.exp)
    if code == "coding":
        qe, qc = _pair(d.exp, d.cand)
        zh = f"{tag} 字段的子字段划分与参考记录不同：应为{qe}，实为{qc}。"
        en = f"{tag} is divided into subfields differently from the reference: expected {qe}, found {qc}."
        return Deduction(code, pts, zh, en, d.cand, d.exp)
    if code == "missing_subfield":
        lz, le = _sub_label(d.sub, d.info)
        zh = f"{tag} 字段缺少 {lz}：参考记录为{_q(d.exp)}。"
        en = f"{tag} {le} is missing: the reference has {_q(d.exp)}."
        return Deduction(code, pts, zh, en, None, d.exp, d.sub)
    if code == "extra_subfield":
        zh = f"{tag} 字段多出 ${d.sub}{_q(d.cand)}，参考记录中没有。"
        en = f"{tag} has an extra ${d.sub} {_q(d.cand)} that the reference does not have."
        return Deduction(code, pts, zh, en, d.cand, None, d.sub)
    note, sspec = d.info if isinstance(d.info, tuple) else (None, None)
    if d.sub is None:  # a control field compared as a whole
        zh = f"{tag} 字段与参考记录不同：应为{_q(d.exp)}，实为{_q(d.cand)}。"
        en = f"{tag} differs from the reference: expected {_q(d.exp)}, found {_q(d.cand)}."
        return Deduction(code, pts, zh, en, d.cand, d.exp)
    lz, le = _sub_label(d.sub, sspec)
    qe, qc = _pair(d.exp, d.cand)
    both_zh = f"应为{qe}，实为{qc}。"
    both_en = f"expected {qe}, found {qc}."
    if code in _COSMETIC:
        what_zh, what_en = _COSMETIC[code]
        zh = f"{tag} 字段 {lz}{what_zh}：{both_zh}"
        en = f"{tag} {le} {what_en}: {both_en}"
        if code == "punctuation" and generated_punct:
            zh += _GENERATED_NOTE[0]
            en += _GENERATED_NOTE[1]
        return Deduction(code, pts, zh, en, d.cand, d.exp, d.sub)
    if code == "typo":
        zh = f"{tag} 字段 {lz}有录入错误：{both_zh}"
        en = f"{tag} {le} has a typing error: {both_en}"
    elif code == "class":
        kind_zh = {"broader": "过宽", "narrower": "过细"}.get(note, "不正确")
        kind_en = {"broader": "too broad", "narrower": "too narrow"}.get(note, "wrong")
        zh = f"{tag} 字段 {lz}分类号{kind_zh}：{both_zh}"
        en = f"{tag} {le}: the class number is {kind_en}: {both_en}"
    else:
        zh = f"{tag} 字段 {lz}与参考记录不同：{both_zh}"
        en = f"{tag} {le} differs from the reference: {both_en}"
        if note == "invalid":
            zh += "（所填 ISBN 校验位错误）"
            en += " (the ISBN given has a wrong check digit)"
    return Deduction(code, pts, zh, en, d.cand, d.exp, d.sub)
