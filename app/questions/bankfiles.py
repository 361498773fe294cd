"""The shipped question bank (question_bank/) read into ItemSpecs in the shared content/key shapes.

The directory is the source of truth that an importer turns into question versions, so every file
is held to question_bank/README.md here and a file that breaks it is refused with its path, never
half-imported. `content_hash` tells an importer an unchanged item from an edited one (a new version).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from .checkers import checker_for, normalise_fill

BANK_DIR = Path(__file__).resolve().parents[2] / "question_bank"
CATEGORIES = ("cnmarc", "marc21", "rules", "subject_clc", "authority", "policy")
OBJECTIVE_TYPES = ("single", "multiple", "truefalse", "fill")
GROUPS = ("chinese", "western", "all")
DEFAULT_POINTS = {"single": Decimal(2), "truefalse": Decimal(2), "multiple": Decimal(4),
                  "fill": Decimal(2), "marc_task": Decimal(20)}
REQUIRED = {"id", "type", "category", "language_group", "difficulty", "tags", "text", "answer",
            "explanation", "source"}
OPTIONAL = {"text_en", "choices", "partial_credit", "explanation_en"}
CHOICE_KEYS = {"key", "text", "text_en"}
ID = re.compile(r"^[a-z0-9_]+-[a-z]?\d{3}$")
TASK_REQUIRED = {"id", "kind", "format", "language_group", "difficulty", "title", "title_en",
                 "points", "time_limit_minutes", "description", "references", "rubric"}
TASK_OPTIONAL = {"start", "errors", "candidates", "answer", "description_en", "tags"}
RUBRIC = {"cnmarc": "cnmarc_book", "marc21": "marc21_book"}
TASK_GROUP = {"cnmarc": "chinese", "marc21": "western"}


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same result, faster


class BankError(ValueError):
    def __init__(self, path, message: str):
        super().__init__(f"{path}: {message}")
        self.path, self.message = str(path), message


@dataclass
class ItemSpec:
    code: str
    type: str
    category: str
    language_group: str
    difficulty: int
    tags: list[str]
    points: Decimal
    content: dict
    key: dict
    source_path: str = ""  # relative to the bank directory; not part of the item's identity

    def metadata(self) -> dict:
        return {"code": self.code, "type": self.type, "category": self.category,
                "language_group": self.language_group, "difficulty": self.difficulty,
                "tags": list(self.tags), "points": _canonical(self.points)}


def _canonical(points) -> str:
    """2, 2.00 and Moodle's 2.0000000 are the same points and hash the same."""
    return format(Decimal(str(points)).normalize(), "f")


def content_hash(spec: ItemSpec) -> str:
    """sha256 of the canonical JSON of metadata, content and key (not the file it came from)."""
    doc = {"meta": spec.metadata(), "content": spec.content, "key": spec.key}
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_bank(root: Path | str = BANK_DIR) -> list[ItemSpec]:
    """Every item, objective files in category order (file order inside), then tasks by id.

    Raises BankError for the first file with problems, listing all of that file's problems.
    """
    items, errors = _load(Path(root))
    if errors:
        raise errors[0]
    return items


def check_bank(root: Path | str = BANK_DIR) -> list[BankError]:
    """All problems of the bank, one BankError per broken file (for tests and a CLI check)."""
    return _load(Path(root))[1]


def _load(root: Path) -> tuple[list[ItemSpec], list[BankError]]:
    items: list[ItemSpec] = []
    errors: list[BankError] = []
    objective = root / "objective"
    names = sorted(p.name for p in objective.glob("*.yaml")) if objective.is_dir() else []
    if names != sorted(f"{c}.yaml" for c in CATEGORIES):
        errors.append(BankError(objective, f"must hold exactly {[f'{c}.yaml' for c in CATEGORIES]}"
                                           f", not {names}"))
    for category in CATEGORIES:
        path = objective / f"{category}.yaml"
        if path.is_file():
            _collect(errors, items, path, lambda p=path, c=category: _objective_file(root, p, c))
    tasks = root / "tasks"
    for task_dir in sorted(p for p in tasks.iterdir() if p.is_dir()) if tasks.is_dir() else []:
        path = task_dir / "task.yaml"
        _collect(errors, items, path, lambda d=task_dir: [_task(root, d)])
    seen: dict[str, str] = {}
    for item in items:
        if item.code in seen:
            errors.append(BankError(item.source_path, f"id {item.code} is also used in "
                                                       f"{seen[item.code]}"))
        seen.setdefault(item.code, item.source_path)
    return items, errors


def _collect(errors, items, path, load):
    try:
        items.extend(load())
    except BankError as e:
        errors.append(e)


def _yaml(path: Path):
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LOADER)  # noqa: S506 - a safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise BankError(path, f"cannot be read: {e}") from None


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _objective_file(root: Path, path: Path, category: str) -> list[ItemSpec]:
    data = _yaml(path)
    if not isinstance(data, list):
        raise BankError(path, "must be a YAML list of questions")
    problems, items = [], []
    for n, q in enumerate(data, 1):
        qid = q.get("id", f"#{n}") if isinstance(q, dict) else f"#{n}"
        found = _question_problems(q, category) if isinstance(q, dict) else ["not a mapping"]
        if not found:
            spec = _objective_spec(q, _rel(root, path))
            found = checker_for(spec.type).validate(spec.content, spec.key)
            items.append(spec)
        problems += [f"{qid}: {p}" for p in found]
    if problems:
        raise BankError(path, "; ".join(problems))
    return items


def _question_problems(q: dict, category: str) -> list[str]:
    """The README's schema, as tests/questions/test_bank_files.py checks it."""
    bad = []
    keys = set(q)
    if REQUIRED - keys:
        bad.append(f"missing {sorted(REQUIRED - keys)}")
    if keys - REQUIRED - OPTIONAL:
        bad.append(f"unknown keys {sorted(keys - REQUIRED - OPTIONAL)}")
    if not ID.match(str(q.get("id", ""))) or not str(q.get("id", "")).startswith(category + "-"):
        bad.append("id must be '<category>-NNN'")
    if q.get("category") != category:
        bad.append(f"category {q.get('category')!r} is not the file's")
    if q.get("language_group") not in GROUPS:
        bad.append(f"language_group {q.get('language_group')!r}")
    if q.get("difficulty") not in (1, 2, 3) or isinstance(q.get("difficulty"), bool):
        bad.append(f"difficulty {q.get('difficulty')!r}")
    if not isinstance(q.get("tags"), list) or not q.get("tags"):
        bad.append("tags must be a non-empty list")
    for name in ("text", "explanation", "source"):
        if not isinstance(q.get(name), str) or not q[name].strip():
            bad.append(f"{name} must be non-empty text")
    for name in ("text_en", "explanation_en"):
        if q.get(name) is not None and not isinstance(q[name], str):
            bad.append(f"{name} must be text")
    if q.get("language_group") == "western" and not str(q.get("text_en") or "").strip():
        bad.append("a Western question needs text_en")
    qtype, choices = q.get("type"), q.get("choices")
    if qtype not in OBJECTIVE_TYPES:
        return bad + [f"type {qtype!r}"]
    if qtype in ("single", "multiple"):
        if not isinstance(choices, list) or len(choices) < 3:
            return bad + ["needs at least three choices"]
        for c in choices:
            if not isinstance(c, dict) or set(c) - CHOICE_KEYS or not {"key", "text"} <= set(c):
                bad.append(f"choice {c!r} must have key and text (text_en optional)")
        keys = [c.get("key") for c in choices if isinstance(c, dict)]
        expected = [chr(ord("A") + i) for i in range(len(keys))]
        if keys != expected:
            bad.append(f"choice keys must be {expected}, not {keys}")
        texts = [normalise_fill(c.get("text", "")) for c in choices if isinstance(c, dict)]
        if len(set(texts)) != len(texts):
            bad.append("two choices have the same text")
    elif choices is not None:
        bad.append("only single/multiple have choices")
    if qtype != "multiple" and "partial_credit" in q:
        bad.append("partial_credit is for multiple-choice only")
    if qtype == "fill" and not (isinstance(q.get("answer"), list) and all(
            isinstance(a, str | int) and not isinstance(a, bool) for a in q["answer"])):
        bad.append("fill answer must be a list of accepted answers")
    return bad


def _objective_spec(q: dict, source_path: str) -> ItemSpec:
    qtype = q["type"]
    content: dict = {"text": q["text"], "text_en": q.get("text_en")}
    if qtype in ("single", "multiple"):
        content["choices"] = [{"key": c["key"], "text": str(c["text"]),
                               "text_en": None if c.get("text_en") is None else str(c["text_en"])}
                              for c in q["choices"]]
    if qtype == "multiple":
        content["partial_credit"] = q.get("partial_credit")
    answer = [str(a) for a in q["answer"]] if qtype == "fill" else q["answer"]
    key = {"answer": answer, "explanation": q["explanation"],
           "explanation_en": q.get("explanation_en"), "source": q["source"]}
    return ItemSpec(code=q["id"], type=qtype, category=q["category"],
                    language_group=q["language_group"], difficulty=q["difficulty"],
                    tags=[str(t) for t in q["tags"]], points=DEFAULT_POINTS[qtype],
                    content=content, key=key, source_path=source_path)


def _task(root: Path, task_dir: Path) -> ItemSpec:
    path = task_dir / "task.yaml"
    if not path.is_file():
        raise BankError(task_dir, "has no task.yaml")
    t = _yaml(path)
    if not isinstance(t, dict):
        raise BankError(path, "must be a mapping")
    bad = _task_problems(t, task_dir)
    if bad:
        raise BankError(path, "; ".join(bad))

    def mrk(name) -> str:
        file = task_dir / str(name)
        if Path(str(name)).name != str(name) or not file.is_file():
            raise BankError(path, f"names {name!r}, which is not a file of the task")
        try:
            return file.read_text(encoding="utf-8").replace("\r\n", "\n")
        except UnicodeDecodeError:
            raise BankError(file, "is not UTF-8") from None

    content = {"kind": t["kind"], "format": t["format"], "title": t["title"],
               "title_en": t.get("title_en"), "description": t["description"],
               "description_en": t.get("description_en"),
               "start": mrk(t["start"]) if t.get("start") else None,
               "candidates": [{"name": n, "mrk": mrk(n)} for n in t.get("candidates") or []],
               "rubric": t["rubric"], "time_limit_minutes": t["time_limit_minutes"]}
    key = {"references": [mrk(n) for n in t["references"]], "answer": t.get("answer"),
           "errors": [{"field": str(e.get("field")), "zh": e.get("zh"), "en": e.get("en")}
                      for e in t.get("errors") or [] if isinstance(e, dict)]}
    spec = ItemSpec(code=t["id"], type="marc_task", category="marc_task",
                    language_group=t["language_group"], difficulty=t["difficulty"],
                    tags=[str(x) for x in t.get("tags") or []], points=Decimal(t["points"]),
                    content=content, key=key, source_path=_rel(root, path))
    if problems := checker_for("marc_task").validate(content, key):
        raise BankError(path, "; ".join(problems))
    return spec


def _task_problems(t: dict, task_dir: Path) -> list[str]:
    bad = []
    keys = set(t)
    if TASK_REQUIRED - keys:
        return [f"missing {sorted(TASK_REQUIRED - keys)}"]
    if keys - TASK_REQUIRED - TASK_OPTIONAL:
        bad.append(f"unknown keys {sorted(keys - TASK_REQUIRED - TASK_OPTIONAL)}")
    if t["id"] != task_dir.name:
        bad.append(f"id {t['id']!r} is not the directory's name")
    if t["format"] not in RUBRIC or t["rubric"] != RUBRIC[t["format"]]:
        bad.append(f"format {t['format']!r} needs rubric {RUBRIC.get(t['format'])!r}")
    elif t["language_group"] != TASK_GROUP[t["format"]]:
        bad.append(f"a {t['format']} task is for language_group {TASK_GROUP[t['format']]}")
    if t["difficulty"] not in (1, 2, 3) or isinstance(t["difficulty"], bool):
        bad.append(f"difficulty {t['difficulty']!r}")
    if not isinstance(t["points"], int) or isinstance(t["points"], bool) or t["points"] <= 0:
        bad.append("points must be a positive whole number")
    if not isinstance(t["references"], list) or not t["references"]:
        bad.append("references must be a non-empty list of files")
    for name in ("candidates", "errors", "tags"):
        if t.get(name) is not None and not isinstance(t[name], list):
            bad.append(f"{name} must be a list")
    if t["kind"] == "copy" and t.get("answer") not in (t.get("candidates") or []):
        bad.append("a copy task's answer must be one of its candidates")
    return bad
