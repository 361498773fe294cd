"""Which candidate field answers which reference field.

Field order never matters, so repeated fields (701, 606, 210 $a…) are paired by an optimal
assignment on their costs. scipy is not a dependency; the matrices are tiny (a few fields of one
tag or family), so an O(n²m) Hungarian algorithm in pure Python is plenty.
"""
from __future__ import annotations

_INF = float("inf")


def assign(cost: list[list[float]]) -> list[tuple[int, int]]:
    """Minimum-cost pairs (row, column) covering min(rows, columns) of a rectangular matrix."""
    n = len(cost)
    if n == 0 or not cost[0]:
        return []
    m = len(cost[0])
    if n == 1:
        row = cost[0]
        return [(0, min(range(m), key=row.__getitem__))]
    if m == 1:
        return [(min(range(n), key=lambda i: cost[i][0]), 0)]
    if n > m:
        return [(i, j) for j, i in assign([list(col) for col in zip(*cost)])]
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)  # p[j]: row (1-based) assigned to column j
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [_INF] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            row = cost[i0 - 1]
            ui0 = u[i0]
            delta = _INF
            j1 = 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row[j - 1] - ui0 - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    return [(p[j] - 1, j - 1) for j in range(1, m + 1) if p[j]]


def align(cands, refs, pair_cost, miss_cost, extra_cost):
    """Pair candidate items with reference items.

    pair_cost(c, r) → (cost, detail); miss_cost(r) and extra_cost(c) price leaving an item
    alone. Identical items (same `.sig`) are paired first without computing anything. A pair
    is kept only when it is cheaper than leaving both alone, which makes the rectangular
    assignment on min(pair, miss + extra) exact.

    Returns (pairs [(c, r, cost, detail)], missing refs, extra cands).
    """
    pairs = []
    if refs and cands:
        by_sig: dict = {}
        for r in refs:
            by_sig.setdefault(r.sig, []).append(r)
        rest_c = []
        for c in cands:
            bucket = by_sig.get(c.sig)
            if bucket:
                pairs.append((c, bucket.pop(0), 0.0, []))
            else:
                rest_c.append(c)
        paired = {id(p[1]) for p in pairs}
        rest_r = [r for r in refs if id(r) not in paired]
    else:
        rest_c, rest_r = list(cands), list(refs)
    if not rest_c or not rest_r:
        return pairs, rest_r, rest_c
    details = []
    matrix = []
    for c in rest_c:
        drow, crow = [], []
        ec = extra_cost(c)
        for r in rest_r:
            cost, detail = pair_cost(c, r)
            drow.append((cost, detail))
            crow.append(min(cost, miss_cost(r) + ec))
        details.append(drow)
        matrix.append(crow)
    used_c, used_r = set(), set()
    for i, j in assign(matrix):
        cost, detail = details[i][j]
        c, r = rest_c[i], rest_r[j]
        if cost < miss_cost(r) + extra_cost(c):
            pairs.append((c, r, cost, detail))
            used_c.add(i)
            used_r.add(j)
    missing = [r for j, r in enumerate(rest_r) if j not in used_r]
    extra = [c for i, c in enumerate(rest_c) if i not in used_c]
    return pairs, missing, extra
