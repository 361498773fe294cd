"""Bar charts as inline SVG, drawn by our own code: no JavaScript library, no inline style (the CSP
forbids it: colours and sizes are SVG attributes). Pure: no Flask, no database.

The chart carries a <title> and <desc> (named by aria-labelledby), axis labels, and a value on every
bar; the page shows the same figures in a table beside it for screen readers and for copying.
"""
from __future__ import annotations

from html import escape

COLOURS = ("#1f5f8b", "#c77d1a", "#5a8f3c", "#8b3a62")
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 24, 64


def _nice_max(value: int) -> int:
    """The top of the y axis: four equal whole steps of 1, 2, 2.5 or 5 × 10ⁿ that reach `value`."""
    mag = 1
    while True:
        for m in (1, 2, 2.5, 5):
            step = m * mag
            if step == int(step) and 4 * step >= value:
                return int(4 * step)
        mag *= 10


def _fmt(n: int) -> str:
    return f"{n:,}"


def bar_chart(chart_id: str, title: str, desc: str, labels: list[str], series: list[tuple[str, list[int]]],
              x_label: str, y_label: str) -> str:
    """Stacked bars, one per label; `series` are (name, values) stacked bottom up."""
    totals = [sum(vals[i] for _, vals in series) for i in range(len(labels))]
    top = _nice_max(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    bar_w = slot * 0.64
    e = escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
           f'role="img" aria-labelledby="{e(chart_id)}-title {e(chart_id)}-desc" class="chart">',
           f'<title id="{e(chart_id)}-title">{e(title)}</title>', f'<desc id="{e(chart_id)}-desc">{e(desc)}</desc>']
    # Grid lines and the y axis's ticks.
    for k in range(5):
        value = top * k // 4
        y = TOP + plot_h - plot_h * k / 4
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#333">{_fmt(value)}</text>')
    out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#333" stroke-width="1"/>')
    out.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#333" stroke-width="1"/>')
    for i, label in enumerate(labels):
        x = LEFT + slot * i + (slot - bar_w) / 2
        base = TOP + plot_h
        for s, (name, values) in enumerate(series):
            v = values[i]
            if v <= 0:
                continue
            h = plot_h * v / top
            base -= h
            out.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                       f'fill="{COLOURS[s % len(COLOURS)]}"><title>{e(label)} · {e(name)}: {_fmt(v)}</title></rect>')
        if totals[i]:
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{base - 4:.1f}" text-anchor="middle" font-size="10" '
                       f'fill="#333">{_fmt(totals[i])}</text>')
        out.append(f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" font-size="10" '
                   f'fill="#333">{e(label)}</text>')
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 26}" text-anchor="middle" font-size="12" '
               f'fill="#000">{e(x_label)}</text>')
    out.append(f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" font-size="12" fill="#000" '
               f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{e(y_label)}</text>')
    if len(series) > 1:  # the legend
        x = LEFT
        for s, (name, _values) in enumerate(series):
            out.append(f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" fill="{COLOURS[s % len(COLOURS)]}"/>')
            out.append(f'<text x="{x + 14}" y="{HEIGHT - 5}" font-size="11" fill="#000">{e(name)}</text>')
            x += 20 + 8 * len(name) + (8 * sum(1 for c in name if ord(c) > 0x2E80))
    out.append("</svg>")
    return "\n".join(out)
