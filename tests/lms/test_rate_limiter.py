"""The client's rate limiter: at most the vendor's requests in any window (a little wider than
the vendor's, for the way there), waiting on the clock it is given."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bot.lms.http.limits import MARGIN, Limit, RateLimiter
from tests.lms.fake_time import FakeTime


def sent_at(limit: Limit, requests: int, threads: int = 1) -> list[float]:
    time = FakeTime(start=0.0)
    limiter = RateLimiter(limit, time.monotonic, time.sleep)
    times: list[float] = []

    def one(_: int) -> None:
        limiter.acquire()
        times.append(time.monotonic())

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(requests)))
    assert limiter.waited == sum(time.waits)
    return sorted(times)


def most_in_any_window(times: list[float], seconds: float) -> int:
    return max(sum(1 for t in times if start <= t < start + seconds) for start in times)


def test_a_burst_goes_out_at_once_then_waits_for_the_window() -> None:
    times = sent_at(Limit(5, 1), 12)
    assert times[:5] == [0.0] * 5
    assert most_in_any_window(times, MARGIN) == 5
    assert times[-1] >= 2 * MARGIN


def test_threads_sharing_a_limiter_keep_under_it_together() -> None:
    times = sent_at(Limit(50, 5), 130, threads=4)
    assert most_in_any_window(times, 5 * MARGIN) <= 50
    assert len(times) == 130
