"""Item analysis against values worked out by hand and against textbook formulas
(statistics.correlation / statistics.variance), plus the histogram. No database."""
from __future__ import annotations

import math
import random
import statistics
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from app.certification.itemstats import FLAG_REASONS, analyse, score_histogram_svg

# Six attempts at four one-point items. Totals 4 3 2 2 1 0: mean 2, V(T) = 10/5 = 2.
MATRIX = [
    {"a": 1, "b": 1, "c": 1, "d": 1},
    {"a": 1, "b": 1, "c": 1, "d": 0},
    {"a": 1, "b": 1, "c": 0, "d": 0},
    {"a": 1, "b": 0, "c": 1, "d": 0},
    {"a": 0, "b": 1, "c": 0, "d": 0},
    {"a": 0, "b": 0, "c": 0, "d": 0},
]
MAX = {"a": 1, "b": 1, "c": 1, "d": 1}


def test_hand_computed_values():
    stats = analyse(MATRIX, MAX, min_attempts=1)
    a = stats.items[0]
    assert a.code == "a" and a.attempts == 6
    assert a.facility == pytest.approx(4 / 6)
    # rest of test for a: 3 2 1 1 1 0; C(a, rest) = (5/3)/5 = 1/3; V(a) = 4/15; V(rest) = 16/15.
    assert a.discrimination == pytest.approx((1 / 3) / math.sqrt(4 / 15 * 16 / 15))  # 0.625
    assert a.discrimination == pytest.approx(0.625)
    assert a.efficiency == pytest.approx(1.0)   # already in the best possible order
    assert a.sd == pytest.approx(math.sqrt(4 / 15))
    # Σ V(item) = 4/15 + 4/15 + 3/10 + 1/6 = 1; alpha = 4/3 · (1 − 1/2) = 2/3.
    assert stats.alpha == pytest.approx(2 / 3)
    assert stats.error_ratio == pytest.approx(math.sqrt(1 / 3))
    assert stats.sd == pytest.approx(math.sqrt(2))
    assert stats.standard_error == pytest.approx(math.sqrt(1 / 3) * math.sqrt(2))
    assert (stats.attempts, stats.mean, stats.median) == (6, 2, 2)
    assert stats.skewness == pytest.approx(0.0)


def test_against_textbook_formulas():
    stats = analyse(MATRIX, MAX, min_attempts=1)
    totals = [sum(row.values()) for row in MATRIX]
    for item in stats.items:
        x = [row[item.code] for row in MATRIX]
        rest = [t - v for t, v in zip(totals, x)]
        assert item.facility == pytest.approx(statistics.mean(x))
        assert item.discrimination == pytest.approx(statistics.correlation(x, rest))
        best = statistics.covariance(sorted(x), sorted(rest))
        assert item.efficiency == pytest.approx(statistics.covariance(x, rest) / best)
    k = len(MAX)
    alpha = k / (k - 1) * (1 - sum(statistics.variance([r[c] for r in MATRIX]) for c in MAX)
                          / statistics.variance(totals))
    assert stats.alpha == pytest.approx(alpha)


def test_decimals_and_points_other_than_one():
    rows = [{c: Decimal(v) * 2 for c, v in row.items()} for row in MATRIX]
    stats = analyse(rows, {c: Decimal(2) for c in MAX}, min_attempts=1)
    plain = analyse(MATRIX, MAX, min_attempts=1)
    for scaled, one in zip(stats.items, plain.items):
        assert scaled.facility == pytest.approx(one.facility)
        assert scaled.sd == pytest.approx(one.sd)               # as a fraction of the range
        assert scaled.discrimination == pytest.approx(one.discrimination)
    assert stats.alpha == pytest.approx(plain.alpha)


def _cohort(n=60, seed=5):
    """Candidates of rising ability; 'good' separates them perfectly, 'noise' is a coin."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        ability = i / n
        row = {f"q{j}": int(rng.random() < ability) for j in range(8)}
        row["good"] = int(ability >= 0.5)
        row["noise"] = int(rng.random() < 0.5)
        row["easy"] = 1
        row["backwards"] = int(ability < 0.3)
        rows.append(row)
    return rows, {code: 1 for code in rows[0]}


def test_discriminating_item_beats_a_random_one_and_bad_items_are_flagged():
    rows, maxima = _cohort()
    stats = analyse(rows, maxima)
    by = {item.code: item for item in stats.items}
    assert by["good"].discrimination > 0.6 and by["good"].flags == ()
    assert abs(by["noise"].discrimination) < 0.2
    assert {"discrimination_low", "discrimination_negative"} & set(by["noise"].flags)
    assert by["easy"].flags == ("facility_high",) and by["easy"].discrimination is None
    assert "discrimination_negative" in by["backwards"].flags
    assert {i.code for i in stats.flagged} >= {"noise", "easy", "backwards"}
    assert all(flag in FLAG_REASONS for item in stats.items for flag in item.flags)


def test_random_papers_use_only_the_attempts_that_drew_an_item():
    rows = [{"a": 1, "b": 1}, {"a": 0, "c": 1}, {"b": 0, "c": 0}, {"a": 1, "c": 1},
            {"b": 1, "c": 1}, {"a": 0, "b": 0}]
    stats = analyse(rows, {"a": 1, "b": 1, "c": 1}, min_attempts=1)
    by = {item.code: item for item in stats.items}
    assert by["a"].attempts == 4 and by["a"].facility == pytest.approx(0.5)
    totals = [sum(r.values()) for r in rows]
    xa = [r["a"] for r in rows if "a" in r]
    rest = [t - r["a"] for r, t in zip(rows, totals) if "a" in r]
    assert by["a"].discrimination == pytest.approx(statistics.correlation(xa, rest))
    # Papers differ but have the same length: alpha per position, as Moodle per slot.
    slots = [[list(r.values())[k] for r in rows] for k in range(2)]
    alpha = 2 * (1 - sum(statistics.variance(s) for s in slots) / statistics.variance(totals))
    assert stats.alpha == pytest.approx(alpha)
    assert analyse(rows + [{"a": 1}], {"a": 1, "b": 1, "c": 1}).alpha is None


def test_few_attempts_and_degenerate_input():
    stats = analyse(MATRIX[:3], MAX)
    assert all(item.flags == ("few_attempts",) for item in stats.items)
    one = analyse(MATRIX[:1], MAX)
    assert one.sd is None and one.alpha is None and one.items[0].discrimination is None
    empty = analyse([], MAX)
    assert empty.attempts == 0 and empty.mean is None and empty.items == ()


def test_histogram_svg():
    scores = [Decimal("95"), 100, 61, 60, 59.5, 12, 0, 45]
    svg = score_histogram_svg(scores, 100, 60, bins=10, title="Paper A <2026>",
                              x_label="分数 Score", y_label="Attempts")
    root = ET.fromstring(svg)                     # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "hist-title hist-desc"
    assert root.find(f"{ns}title").text == "Paper A <2026>"
    desc = root.find(f"{ns}desc").text
    assert "8 attempts" in desc and "4 at or above" in desc
    bars = [r.find(f"{ns}title").text for r in root.iter(f"{ns}rect")]
    assert bars[0] == "0–10: 1" and bars[5] == "50–60: 1" and bars[6] == "60–70: 2"
    assert bars[9] == "90–100: 2"                 # a full score falls in the last bin
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert "分数 Score" in texts and "Pass mark 60" in texts
    assert "<script" not in svg and "&lt;2026&gt;" in svg
    assert "stroke-dasharray" in svg              # the pass-mark line
    assert "Pass mark" not in score_histogram_svg([], 100, None)
