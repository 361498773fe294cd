"""Drawing one candidate's paper for a section from the item pool (组卷).

Pure. The paper depends only on the blueprint, the pool and the seed, so the attempt keeps the
seed and the same paper can be drawn again to check it. The pool is sorted by code first, so the
order the database returns rows in never changes a paper.

Choices inside a question are NOT shuffled: explanations and keys name choices by letter ("B is
wrong because …"), and the review page shows the key; relabelling on display would have to rewrite
explanations too. Question order is shuffled instead, within type groups, like a printed paper.
"""
from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.certification.blueprint import Blueprint, Draw, Section


@dataclass(frozen=True)
class PoolItem:
    """What the draw needs to know about a question: its metadata, never its content."""
    code: str
    type: str
    category: str
    language_group: str
    difficulty: int
    tags: tuple[str, ...] = ()
    kind: str | None = None        # marc_task only: original | correction | copy


@dataclass(frozen=True)
class DrawnItem:
    code: str
    points: Decimal
    position: int                  # 1-based within the section
    partial_credit: str | None     # the blueprint's override, None: the question's own
    draw_index: int = 0            # which draw of the section it came from


class DrawError(ValueError):
    def __init__(self, problems: Sequence[str]):
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def as_pool_item(item: Any) -> PoolItem:
    """A PoolItem from a PoolItem, a dict, or any object with those attributes."""
    if isinstance(item, PoolItem):
        return item
    get = item.get if isinstance(item, Mapping) else (lambda k, d=None: getattr(item, k, d))
    return PoolItem(code=str(get("code")), type=get("type"), category=get("category"),
                    language_group=get("language_group"), difficulty=int(get("difficulty", 2)),
                    tags=tuple(str(t) for t in (get("tags") or ())), kind=get("kind"))


def draw_paper(blueprint: Blueprint, section_code: str, pool: Iterable[Any], rng_seed: int | str,
               exclude: Iterable[str] = ()) -> list[DrawnItem]:
    """Draw the items of one section, without replacement across its draws.

    `exclude`: codes that must not appear (e.g. drawn in another section of the same paper).
    Raises KeyError for an unknown section and DrawError when the pool cannot satisfy a draw.
    """
    section = blueprint.section(section_code)
    items = _prepare(pool, exclude)
    problems = _shortfalls(section, items)
    if problems:
        raise DrawError(problems)
    rng = random.Random(f"{blueprint.code}/{section.code}/{rng_seed}")
    eligible = [[it for it in items if d.matches(it)] for d in section.draws]
    taken: set[str] = set()
    chosen: list[tuple[int, PoolItem]] = []
    for i, draw in enumerate(section.draws):
        candidates = [it for it in eligible[i] if it.code not in taken]
        rng.shuffle(candidates)
        later = section.draws[i + 1:]
        picked = 0
        for item in candidates:
            if picked == draw.count:
                break
            if any(d.matches(item) for d in later):
                # Taking an item another draw also wants must leave every draw satisfiable.
                needs = [(draw, draw.count - picked - 1), *((d, d.count) for d in later)]
                rest = [it for it in items if it.code not in taken and it.code != item.code]
                if _matched(needs, rest) < sum(n for _, n in needs):
                    continue
            taken.add(item.code)
            chosen.append((i, item))
            picked += 1
    return _arrange(section, chosen, rng)


def section_shortfalls(section: Section, pool: Iterable[Any]) -> list[str]:
    """Why `pool` cannot fill `section` (empty: it can). Used by blueprint.check_against_pool."""
    return _shortfalls(section, _prepare(pool, ()))


def _prepare(pool: Iterable[Any], exclude: Iterable[str]) -> list[PoolItem]:
    skip = set(exclude)
    items: dict[str, PoolItem] = {}
    for raw in pool:
        item = as_pool_item(raw)
        if item.code not in skip:
            items[item.code] = item
    return [items[code] for code in sorted(items)]


def _describe(draw: Draw) -> str:
    parts = ["/".join(draw.types)]
    for name in ("categories", "language_groups", "difficulties", "tags", "kinds"):
        if getattr(draw, name):
            parts.append(f"{name}={'/'.join(map(str, getattr(draw, name)))}")
    return " ".join(parts)


def _shortfalls(section: Section, items: list[PoolItem]) -> list[str]:
    problems = []
    for i, draw in enumerate(section.draws):
        have = sum(1 for it in items if draw.matches(it))
        if have < draw.count:
            problems.append(f"section {section.code}, draw {i + 1} ({_describe(draw)}): "
                            f"needs {draw.count} items, the pool has {have}")
    if not problems:
        needs = [(d, d.count) for d in section.draws]
        got, want = _matched(needs, items), sum(d.count for d in section.draws)
        if got < want:
            problems.append(f"section {section.code}: the draws overlap and together need {want} "
                            f"different items; the pool can give {got}")
    return problems


def _matched(needs: list[tuple[Draw, int]], items: list[PoolItem]) -> int:
    """Maximum number of draw slots that distinct items can fill (bipartite matching)."""
    slots = [draw for draw, n in needs for _ in range(max(n, 0))]
    options = [[j for j, it in enumerate(items) if draw.matches(it)] for draw in slots]
    owner: dict[int, int] = {}

    def assign(slot: int, seen: set[int]) -> bool:
        for j in options[slot]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or assign(owner[j], seen):
                owner[j] = slot
                return True
        return False

    return sum(1 for slot in range(len(slots)) if assign(slot, set()))


def _arrange(section: Section, chosen: list[tuple[int, PoolItem]],
             rng: random.Random) -> list[DrawnItem]:
    """Group by question type in the order the draws name the types; shuffle inside each group."""
    type_order: list[str] = []
    for draw in section.draws:
        type_order.extend(t for t in draw.types if t not in type_order)
    groups: dict[str, list[tuple[int, PoolItem]]] = {t: [] for t in type_order}
    for index, item in chosen:
        groups[item.type].append((index, item))
    paper: list[DrawnItem] = []
    for kind in type_order:
        group = groups[kind]
        rng.shuffle(group)
        for index, item in group:
            draw = section.draws[index]
            paper.append(DrawnItem(code=item.code, points=draw.points, position=len(paper) + 1,
                                   partial_credit=(draw.partial_credit
                                                   if item.type == "multiple" else None),
                                   draw_index=index))
    return paper
