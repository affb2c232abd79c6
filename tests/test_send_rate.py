"""The learned workspace ceiling: no limit until a 429 at volume, then just under what met it."""

from __future__ import annotations

from scheduler.send_rate import VOLUME, SendRate


class Ticker:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_no_limit_until_the_platform_says_too_fast() -> None:
    tick = Ticker()
    rate = SendRate(monotonic=tick)
    for _ in range(500):
        assert rate.reserve() == 0.0
        rate.sent()
    assert rate.limit is None


def test_a_429_at_low_volume_is_not_taken_as_the_ceiling() -> None:
    tick = Ticker()
    rate = SendRate(monotonic=tick)
    for _ in range(VOLUME - 1):
        rate.sent()
    rate.rate_limited()
    assert rate.limit is None  # a single 429 among a handful: pause (the worker does), learn nothing


def test_a_429_at_volume_sets_a_limit_below_it_which_paces_and_creeps_back_but_stays_under() -> None:
    tick = Ticker()
    rate = SendRate(monotonic=tick)
    for i in range(200):
        tick.now = 100.0 + i / 200  # 200 in the last second
        rate.sent()
    rate.rate_limited()
    rate.rate_limited()  # the other sends of the same burst: one decrease, not several
    assert rate.limit == 190.0
    waits = [rate.reserve() for _ in range(5)]
    assert waits[0] == 0.0 and abs(waits[4] - 4 / 190) < 1e-9  # evenly spaced slots
    tick.now += 30
    rate.reserve()
    assert rate.limit == 196.0  # crept up, but stays 2% under the rate that met the 429
    tick.now += 61
    rate.reserve()
    assert rate.limit is not None and rate.limit > 196.0  # a quiet minute: room is probed again
