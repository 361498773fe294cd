"""Item analysis of an exam round, computed the way Moodle's quiz statistics report does.

Pure. Formulas follow MoodleDocs "Quiz statistics calculations"
(https://docs.moodle.org/dev/Quiz_statistics_calculations) and the guidance in "Quiz report
statistics" (https://docs.moodle.org/28/en/Development:Quiz_report_statistics):

- facility F = (mean item score − min) / (max − min); item SD = sd(item score) / (max − min)
- discrimination index = Pearson r between the item score and the rest of the test (T − x),
  so an item is not correlated with itself
- discriminative efficiency = C(x, T − x) / C_max, C_max being the covariance obtained when both
  columns are sorted independently (the best this item could discriminate with these scores)
- coefficient of internal consistency (Cronbach's alpha) = P/(P−1) · (1 − Σ V(slot) / V(T)),
  error ratio = √(1 − alpha), standard error = error ratio · SD(T)

Variances and covariances use n − 1. Papers are random: an item's statistics use only the attempts
that drew it (as Moodle does per question behind a random slot), and alpha is computed per
position (slot) when papers differ. Values are fractions (Moodle shows them ×100 as percentages).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from statistics import median

Number = int | float | Decimal

# Flags: a code and why it matters (zh, en), for the report page.
FLAG_REASONS = {
    "facility_low": ("几乎无人答对（难度系数 < 5%）：检查答案是否有误或题目是否超纲",
                     "Almost nobody scores (facility < 5%): check the key and whether it is in scope"),
    "facility_high": ("几乎人人答对（难度系数 > 95%）：题目不能区分考生",
                      "Almost everybody scores (facility > 95%): it separates nobody"),
    "discrimination_negative": ("区分度为负：成绩好的考生反而答错，检查答案",
                                "Negative discrimination: stronger candidates do worse; check the key"),
    "discrimination_low": ("区分度低（< 0.2）", "Weak discrimination (< 0.2)"),
    "efficiency_low": ("区分效率低（< 15%，Moodle 标为可疑）",
                       "Low discriminative efficiency (< 15%; Moodle marks it dubious)"),
    "few_attempts": ("作答人数太少，统计不可靠", "Too few attempts for reliable statistics"),
}


@dataclass(frozen=True)
class ItemStats:
    code: str
    attempts: int
    max_points: float
    mean: float
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class TestStats:
    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    alpha: float | None
    error_ratio: float | None
    standard_error: float | None
    items: tuple[ItemStats, ...]

    @property
    def flagged(self) -> tuple[ItemStats, ...]:
        return tuple(item for item in self.items if item.flags)


def analyse(attempts: Sequence[Mapping[str, Number]], max_points: Mapping[str, Number],
            min_points: Mapping[str, Number] | None = None, min_attempts: int = 5) -> TestStats:
    """`attempts`: one mapping per attempt, item code → score, in paper (position) order; an item
    missing from an attempt was not drawn in it. `max_points`/`min_points`: per item code (min 0)."""
    rows = [{code: float(score) for code, score in attempt.items()} for attempt in attempts]
    totals = [sum(row.values()) for row in rows]
    codes = sorted({code for row in rows for code in row})
    items = tuple(_item(code, rows, totals, float(max_points[code]),
                        float((min_points or {}).get(code, 0)), min_attempts) for code in codes)
    n = len(totals)
    sd = _sd(totals)
    alpha = _alpha(rows, totals)
    error_ratio = math.sqrt(1 - alpha) if alpha is not None and alpha <= 1 else None
    return TestStats(
        attempts=n, mean=sum(totals) / n if n else None, median=median(totals) if n else None,
        sd=sd, skewness=_skewness(totals), kurtosis=_kurtosis(totals), alpha=alpha,
        error_ratio=error_ratio,
        standard_error=error_ratio * sd if error_ratio is not None and sd is not None else None,
        items=items)


def _item(code: str, rows: list[dict[str, float]], totals: list[float], top: float,
          bottom: float, min_attempts: int) -> ItemStats:
    x = [row[code] for row in rows if code in row]
    rest = [total - row[code] for row, total in zip(rows, totals) if code in row]
    span = top - bottom
    mean = sum(x) / len(x)
    facility = (mean - bottom) / span if span else None
    sd = _sd(x)
    item_sd = sd / span if sd is not None and span else None
    r = _correlation(x, rest)
    efficiency = None
    cov = _cov(x, rest)
    if cov is not None:
        best = _cov(sorted(x), sorted(rest))
        efficiency = cov / best if best else None
    flags: list[str] = []
    if len(x) < min_attempts:
        flags.append("few_attempts")
    else:
        if facility is not None and facility < 0.05:
            flags.append("facility_low")
        if facility is not None and facility > 0.95:
            flags.append("facility_high")
        if r is not None and r < 0:
            flags.append("discrimination_negative")
        elif r is not None and r < 0.2:
            flags.append("discrimination_low")
        if efficiency is not None and efficiency < 0.15:
            flags.append("efficiency_low")
    return ItemStats(code=code, attempts=len(x), max_points=top, mean=mean, facility=facility,
                     sd=item_sd, discrimination=r, efficiency=efficiency, flags=tuple(flags))


def _cov(a: Sequence[float], b: Sequence[float]) -> float | None:
    n = len(a)
    if n < 2:
        return None
    ma, mb = sum(a) / n, sum(b) / n
    return sum((p - ma) * (q - mb) for p, q in zip(a, b)) / (n - 1)


def _sd(values: Sequence[float]) -> float | None:
    var = _cov(values, values)
    return math.sqrt(var) if var is not None else None


def _correlation(a: Sequence[float], b: Sequence[float]) -> float | None:
    cov, va, vb = _cov(a, b), _cov(a, a), _cov(b, b)
    if cov is None or not va or not vb:
        return None
    return cov / math.sqrt(va * vb)


def _alpha(rows: list[dict[str, float]], totals: list[float]) -> float | None:
    """Per item when every attempt drew the same items, else per position (paper order)."""
    if len(rows) < 2:
        return None
    if all(row.keys() == rows[0].keys() for row in rows):
        columns = [[row[code] for row in rows] for code in rows[0]]
    elif len({len(row) for row in rows}) == 1:
        columns = [list(col) for col in zip(*(list(row.values()) for row in rows))]
    else:
        return None
    p, total_var = len(columns), _cov(totals, totals)
    if p < 2 or not total_var:
        return None
    return p / (p - 1) * (1 - sum(_cov(c, c) for c in columns) / total_var)


def _moments(values: Sequence[float]) -> tuple[int, float, float, float]:
    n = len(values)
    mean = sum(values) / n
    return (n, *(sum((v - mean) ** k for v in values) / n for k in (2, 3, 4)))


def _skewness(values: Sequence[float]) -> float | None:
    """Sample skewness from the k-statistics, as Moodle's report computes it."""
    if len(values) < 3:
        return None
    n, m2, m3, _ = _moments(values)
    k2 = n * m2 / (n - 1)
    k3 = n * n * m3 / ((n - 1) * (n - 2))
    return k3 / k2 ** 1.5 if k2 else None


def _kurtosis(values: Sequence[float]) -> float | None:
    """Excess kurtosis from the k-statistics (0 for a normal distribution)."""
    if len(values) < 4:
        return None
    n, m2, _, m4 = _moments(values)
    k2 = n * m2 / (n - 1)
    k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
    return k4 / (k2 * k2) if k2 else None


# ------------------------------------------------------------------ histogram

def score_histogram_svg(scores: Sequence[Number], max_score: Number, pass_mark: Number | None,
                        bins: int = 10, title: str = "Score distribution", *,
                        x_label: str = "Score", y_label: str = "Attempts",
                        pass_label: str = "Pass mark", id_prefix: str = "hist",
                        desc: str | None = None) -> str:
    """An inline SVG bar chart of scores with the pass mark drawn as a line; no script, no library.

    Bins are equal slices of 0…max_score, the last one closed on the right (a full score counts).
    Screen readers get the title, a summary in <desc> (`desc`, or an English one made here), and
    a <title> on every bar.
    """
    top = float(max_score)
    values = [float(s) for s in scores]
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int(v / top * bins)))] += 1
    width, height, left, right, upper, lower = 560, 260, 48, 16, 36, 44
    plot_w, plot_h = width - left - right, height - upper - lower
    peak = max(counts + [1])
    bar_w = plot_w / bins
    tid, did = f"{id_prefix}-title", f"{id_prefix}-desc"
    passed = sum(1 for v in values if pass_mark is not None and v >= float(pass_mark))
    summary = f"{len(values)} {y_label.lower()}; {x_label} 0–{_fmt(top)}"
    if values:
        summary += f"; mean {_fmt(sum(values) / len(values))}"
    if pass_mark is not None:
        summary += f"; {pass_label} {_fmt(float(pass_mark))}: {passed} at or above"
    summary = desc if desc is not None else summary
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="{tid} {did}" class="score-histogram" font-size="12">',
           f'<title id="{tid}">{escape(title)}</title>', f'<desc id="{did}">{escape(summary)}</desc>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-weight="bold">{escape(title)}</text>']
    base = upper + plot_h
    for i, count in enumerate(counts):
        low, high = top * i / bins, top * (i + 1) / bins
        h = plot_h * count / peak
        x = left + i * bar_w
        label = f"{_fmt(low)}–{_fmt(high)}: {count}"
        out.append(f'<rect x="{x + 1:.1f}" y="{base - h:.1f}" width="{bar_w - 2:.1f}" '
                   f'height="{h:.1f}" fill="#4a7ab5"><title>{escape(label)}</title></rect>')
        if count:
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{base - h - 3:.1f}" '
                       f'text-anchor="middle">{count}</text>')
    for i in range(bins + 1):
        x = left + i * bar_w
        out.append(f'<text x="{x:.1f}" y="{base + 16}" text-anchor="middle">'
                   f'{_fmt(top * i / bins)}</text>')
    out += [f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#333"/>',
            f'<line x1="{left}" y1="{upper}" x2="{left}" y2="{base}" stroke="#333"/>',
            f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">'
            f'{escape(x_label)}</text>',
            f'<text x="14" y="{upper + plot_h / 2}" text-anchor="middle" '
            f'transform="rotate(-90 14 {upper + plot_h / 2})">{escape(y_label)}</text>',
            f'<text x="{left - 6}" y="{upper + 4}" text-anchor="end">{peak}</text>']
    if pass_mark is not None:
        x = left + plot_w * min(float(pass_mark), top) / top
        out += [f'<line x1="{x:.1f}" y1="{upper - 6}" x2="{x:.1f}" y2="{base}" stroke="#c0392b" '
                f'stroke-width="2" stroke-dasharray="6 4"/>',
                f'<text x="{x + 4:.1f}" y="{upper - 8}" fill="#c0392b">'
                f'{escape(pass_label)} {_fmt(float(pass_mark))}</text>']
    out.append("</svg>")
    return "\n".join(out)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
