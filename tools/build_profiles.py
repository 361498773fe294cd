#!/usr/bin/env python3
"""Regenerate the format profiles in app/marc/profiles/ from their sources.

The app only ever loads the committed JSON; this script exists so that anyone can see where each
rule came from and rebuild the files after correcting a source. MARC 21 bibliographic rules and the
code lists are read from MARC::Lint when it is installed (Debian libmarc-lint-perl); without it the
committed MARC 21 tables are kept. The other tables are hand transcriptions kept in
tools/profile_src/*.yaml, because their public sources are not installable locally.

    .venv/bin/python tools/build_profiles.py [--lint /usr/share/perl5/MARC/Lint.pm]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "tools" / "profile_src"
OUT = ROOT / "app" / "marc" / "profiles"
DEFAULT_LINT = Path("/usr/share/perl5/MARC/Lint.pm")
ORDER = ["marc21_bib", "marc21_auth", "unimarc_bib", "cnmarc_bib", "unimarc_auth"]
CODE_LISTS = {
    "languages": "LanguageCodes", "languages_obsolete": "ObsoleteLanguageCodes",
    "countries": "CountryCodes", "countries_obsolete": "ObsoleteCountryCodes",
    "geographic_areas": "GeogAreaCodes", "geographic_areas_obsolete": "ObsoleteGeogAreaCodes",
}


def blank(text: str) -> str:
    """Sources write a blank as "#" (and indicators as "_") so that it survives YAML and reading."""
    return text.replace("#", " ").replace("_", " ")


# --- MARC::Lint rule table -------------------------------------------------------------------

def _lint_indicator(value: str) -> str | None:
    if value == "blank":
        return " "
    if value == "Same":  # 880: "Same as associated field"
        return None
    if re.fullmatch(r"\d-\d", value):
        return "".join(str(d) for d in range(int(value[0]), int(value[2]) + 1))
    return value.replace("b", " ")


def parse_lint_rules(text: str) -> dict:
    """Read the blocks after __DATA__ the way MARC::Lint's _read_rules does."""
    data = text.split("\n__DATA__\n", 1)[1]
    fields = {}
    for block in re.split(r"\n\s*\n", data):
        lines = [ln.rstrip() for ln in block.strip("\n").split("\n") if ln.strip()]
        if len(lines) < 4:
            continue  # tag-only entries, as Lint skips them
        tag, rep, *label = lines[0].split(None, 2)
        rule = {"label": label[0] if label else "", "repeatable": rep == "R"}
        subfields = {}
        for line in lines[1:]:
            key, val, *_ = line.split(None, 2) + [""]
            if key in ("ind1", "ind2"):
                rule[key] = _lint_indicator(val)
            elif re.fullmatch(r".-.", key):
                for code in range(ord(key[0]), ord(key[2]) + 1):
                    subfields[chr(code)] = val == "R"
            else:
                subfields[key] = val == "R"
        if tag < "010":
            rule = {"label": rule["label"], "repeatable": rule["repeatable"], "control": True}
        else:
            rule["subfields"] = subfields
        fields[tag] = rule
    return fields


def parse_code_data(text: str) -> dict:
    lists = {}
    for name, perl_name in CODE_LISTS.items():
        m = re.search(r"%" + perl_name + r' = map \{\(\$_, 1\)\} \(split "\\t", \("([^"]*)"\)\);', text)
        if not m:
            raise SystemExit(f"{perl_name} not found in CodeData.pm")
        lists[name] = sorted(set(m.group(1).split("\t")))
    return lists


# --- field table lines -----------------------------------------------------------------------

def _indicator(token: str) -> str | None:
    return None if token == "*" else blank(token)


def parse_field_lines(text: str, layouts: dict) -> dict:
    """TAG R|NR [control|linked|link] [i1:..] [i2:..] SUBFIELDS # LABEL (see unimarc_bib.yaml)."""
    fields = {}
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        body, _, label = raw.partition(" # ")
        tokens = body.split()
        expanded = []
        for tok in tokens[2:]:
            expanded.extend(layouts[tok[1:]].split() if tok.startswith("@") else [tok])
        tag, rep = tokens[0], tokens[1]
        rule = {"label": label.strip(), "repeatable": rep == "R"}
        if "control" in expanded:
            rule["control"] = True
            fields[tag] = rule
            continue
        if "linked" in expanded:
            rule.update(linked=True, ind1=None, ind2=None, subfields=None)
            fields[tag] = rule
            continue
        if "link" in expanded:
            expanded = [t for t in expanded if t != "link"] + layouts["link"].split()
        rule.update(ind1=" ", ind2=" ")
        subfields: dict | None = {}
        for tok in expanded:
            if tok.startswith(("i1:", "i2:")):
                rule["ind" + tok[1]] = _indicator(tok[3:])
            elif tok == "*":
                subfields = None
            elif subfields is not None:
                subfields[tok.rstrip("+")] = tok.endswith("+")
        rule["subfields"] = subfields
        fields[tag] = rule
    return fields


# --- positions -------------------------------------------------------------------------------

def position(spec: dict) -> dict:
    at = str(spec["at"])
    start, _, end = at.partition("-")
    out = {"start": int(start), "end": int(end or start),
           "label": {"zh": spec["label"][0], "en": spec["label"][1]},
           "severity": spec.get("severity", "warning")}
    if "codes" in spec:
        codes = spec["codes"]
        out["codes"] = [blank(c) for c in codes] if isinstance(codes, list) else list(blank(codes))
    if "flags" in spec:
        out["flags"] = blank(spec["flags"])
    for key in ("pattern", "code_list"):
        if key in spec:
            out[key] = spec[key]
    if "extra" in spec:
        out["extra"] = spec["extra"]
    return out


def _override(positions: list, overrides: list) -> list:
    new = {(p["start"], p["end"]): p for p in positions}
    for spec in overrides:
        p = position(spec)
        new[(p["start"], p["end"])] = p
    return sorted(new.values(), key=lambda p: p["start"])


def build_fixed(src: dict, base: dict | None) -> dict:
    fixed = dict(base or {})
    for key, spec in (src.get("fixed") or {}).items():
        item = {"length": spec["length"]}
        for part in ("positions", "common", "books", "music", "continuing"):
            if part in spec:
                item[part] = [position(p) for p in spec[part]]
        for part in ("material_by_type", "continuing_levels"):
            if part in spec:
                item[part] = spec[part]
        fixed[key] = item
    for key, overrides in (src.get("fixed_overrides") or {}).items():
        item = dict(fixed[key])
        item["positions"] = _override(item["positions"], overrides)
        fixed[key] = item
    return fixed


# --- profiles --------------------------------------------------------------------------------

def add_pinyin(fields: dict, pinyin: dict) -> None:
    """CALIS writes the pinyin of $x in $X; NLC in $9 (cataloguing-facts.md)."""
    for tag in pinyin["tags"]:
        rule = fields.get(tag)
        if not rule or rule.get("subfields") is None:
            continue
        subs = dict(rule["subfields"])
        for code, rep in rule["subfields"].items():
            if code.isalpha() and code.islower():
                subs[code.upper()] = rep
        subs.setdefault(pinyin["extra_subfield"], True)
        fields[tag] = {**rule, "subfields": subs}


def build(name: str, built: dict, lint_fields: dict | None) -> dict:
    src = yaml.safe_load((SRC / f"{name}.yaml").read_text(encoding="utf-8"))
    base = built[src["extends"]] if src.get("extends") else None
    layouts = src.get("layouts", {})
    if src.get("link_layout"):
        layouts["link"] = src["link_layout"]
    if base:
        fields = {tag: dict(rule) for tag, rule in base["fields"].items()}
    elif src.get("fields_from_lint"):
        if lint_fields is None:
            committed = json.loads((OUT / f"{name}.json").read_text(encoding="utf-8"))
            lint_fields = {t: r for t, r in committed["fields"].items() if not r.get("linked")}
        fields = dict(lint_fields)
    else:
        fields = {}
    fields.update(parse_field_lines(src.get("fields", ""), layouts))
    if src.get("pinyin"):
        add_pinyin(fields, src["pinyin"])
    leader = base["leader"] if base else {"length": src["leader"]["length"],
                                          "positions": [position(p) for p in src["leader"]["positions"]]}
    if src.get("leader_overrides"):
        leader = {**leader, "positions": _override(leader["positions"], src["leader_overrides"])}
    profile = {
        "name": name, "format": src["format"], "kind": src["kind"], "title": src["title"],
        "based_on": src.get("extends"),
        "generated_by": "tools/build_profiles.py from tools/profile_src/" + name + ".yaml",
        "sources": (base["sources"] if base else []) + src.get("sources", []),
        "assumptions": (base["assumptions"] if base else []) + src.get("assumptions", []),
        "local_tags": src.get("local_tags", base["local_tags"] if base else []),
        "main_entry_tags": src.get("main_entry_tags", base.get("main_entry_tags", []) if base else []),
        "heading_tags": src.get("heading_tags", []),
        "leader": leader,
        "fixed": build_fixed(src, base["fixed"] if base else None),
        "levels": src["levels"],
        "level_codes": {k: blank(v) for k, v in src["level_codes"].items()},
        "fields": dict(sorted(fields.items())),
    }
    if src.get("pinyin"):
        profile["pinyin"] = src["pinyin"]
    return profile


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lint", type=Path, default=DEFAULT_LINT, help="path to MARC/Lint.pm")
    args = ap.parse_args(argv)
    lint_fields = None
    if args.lint.is_file():
        lint_fields = parse_lint_rules(args.lint.read_text(encoding="utf-8"))
        code_data = args.lint.with_name("Lint") / "CodeData.pm"
        codes = parse_code_data(code_data.read_text(encoding="latin-1"))
        codes["_source"] = f"MARC::Lint::CodeData ({code_data})"
        (OUT / "codes.json").write_text(json.dumps(codes, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")
    else:
        print(f"{args.lint} not found: keeping the committed MARC 21 tables", file=sys.stderr)
    built: dict = {}
    for name in ORDER:
        built[name] = build(name, built, lint_fields)
        text = json.dumps(built[name], ensure_ascii=False, indent=1)
        (OUT / f"{name}.json").write_text(text + "\n", encoding="utf-8")
        print(f"{name}: {len(built[name]['fields'])} fields")
    return 0


if __name__ == "__main__":
    sys.exit(main())
