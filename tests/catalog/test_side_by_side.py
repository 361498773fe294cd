"""Jobs side by side: at once, every one run, the first failure raised."""
import threading

import pytest

from app.catalog.side_by_side import run_side_by_side


def test_two_jobs_run_at_the_same_time():
    meet = threading.Barrier(2, timeout=30)  # one after the other, the first would wait in vain

    def job(n):
        return lambda: (meet.wait(), n)[1]

    assert run_side_by_side([job(1), job(2)], lanes=2) == [1, 2]


def test_at_most_lanes_at_once_and_results_in_the_jobs_order():
    running, most, lock = 0, 0, threading.Lock()
    release = threading.Event()

    def job(n):
        def run():
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
                if running == 2:
                    release.set()
            release.wait(30)
            with lock:
                running -= 1
            return n
        return run

    assert run_side_by_side([job(n) for n in range(6)], lanes=2) == list(range(6))
    assert most == 2


def test_every_job_runs_and_the_first_failure_in_their_order_is_raised():
    done = []

    def fails(message):
        def run():
            done.append(message)
            raise ValueError(message)
        return run

    def works():
        done.append("works")

    with pytest.raises(ValueError, match="first"):
        run_side_by_side([works, fails("first"), works, fails("second"), works], lanes=2)
    assert sorted(done) == ["first", "second", "works", "works", "works"]
    with pytest.raises(ValueError, match="alone"):
        run_side_by_side([fails("alone"), works], lanes=1)
