"""Round statistics over a few generated attempts: counts, pass rates, item analysis, the chart."""
import csv
import io

import pytest

from app.certification import rounds, stats

from .factories import gen_bank, gen_round, sit, tiny_blueprint, wrong_answer, right_answer


def _mixed(k):
    """Right on the first k items of the paper, wrong after."""
    def answer(item):
        return right_answer(item) if item.position <= k else wrong_answer(item)
    return answer


@pytest.fixture
def sat_round(gen):
    admin = gen.gen_user("centre_admin")
    libs = [gen.gen_library(), gen.gen_library()]
    gen_bank(n=3, tasks=1)
    r = gen_round(tiny_blueprint(band_points=None))
    candidates = []
    for i in range(6):
        u = gen.gen_user("cataloguer", library=libs[i % 2])
        rounds.record_training_certificate(admin, u, f"TC-S{i}")
        candidates.append((u, rounds.register(u, r)))
    for i, (u, reg) in enumerate(candidates[:5]):  # the sixth registers and never sits
        sit(u, reg, "A", _mixed(i))
        if i >= 2:
            sit(u, reg, "B")
    return {"round": r, "libs": libs}


def test_counts_and_pass_rates(sat_round):
    s = stats.round_stats(sat_round["round"], "en")
    assert (s.overall.registered, s.overall.sat) == (6, 5)
    a, b = s.by_section
    assert (a.label, a.sat) == ("A", 5) and (b.label, b.sat) == ("B", 3)
    # section A: 4 items of 2 points, pass 50 % = 4 points: k ≥ 2 right answers pass
    assert a.passed == 3
    assert s.overall.passed == 3 and s.overall.rate == pytest.approx(0.6)
    assert [x.registered for x in s.by_library] == [3, 3]
    assert sum(x.sat for x in s.by_library) == 5
    assert s.by_scope[0].label == "chinese" and s.by_scope[0].passed == 3


def test_item_analysis_and_alpha_per_section(sat_round):
    s = stats.round_stats(sat_round["round"], "en")
    sec_a = s.sections[0]
    assert sec_a.analysis.attempts == 5 and sorted(map(float, sec_a.scores)) == [0, 2, 4, 6, 8]
    assert all(it.code.endswith(" v1") for it in sec_a.analysis.items)
    assert {sec_a.item_types[it.code] for it in sec_a.analysis.items} <= {"single", "truefalse"}
    assert sum(it.attempts for it in sec_a.analysis.items) == 5 * 4
    for it in sec_a.analysis.items:
        assert 0 <= it.facility <= 1
    svg = stats.histogram_svg(sec_a, lambda text, **kw: text % kw if kw else text)
    assert svg.startswith("<svg") and "Pass mark 4" in svg
    rows = list(csv.reader(io.StringIO(stats.items_csv(s))))
    assert rows[0] == stats.ITEM_CSV_HEADER
    assert len(rows) == 1 + len(sec_a.analysis.items) + len(s.sections[1].analysis.items)


def test_results_rows_and_registration_counts(sat_round):
    r = sat_round["round"]
    rows = stats.results_rows(r)
    assert len(rows) == 5
    assert all(set(row["sections"]) <= {"A", "B"} for row in rows)
    counts = dict((lib.id, c) for lib, c in stats.registration_counts(r))
    assert sum(c["registered"] for c in counts.values()) == 6


def test_a_round_nobody_sat(gen):
    r = gen_round()
    s = stats.round_stats(r)
    assert s.overall.sat == 0 and s.overall.rate is None
    assert all(sec.analysis.attempts == 0 and sec.analysis.alpha is None for sec in s.sections)
    assert stats.histogram_svg(s.sections[0], lambda text, **kw: text).startswith("<svg")
