"""Token buckets keyed by recipient: how chat platforms' per-channel and per-app send limits are kept.

Slack allows about one message a second per channel with short bursts; Feishu five a second per person
and per group, and fifty a second and a thousand a minute per app. A sender asks `take(key)` before
writing and raises `handlers.ports.Hold` when it says no: the row waits for the next pass, unattempted.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    def __init__(self, *, burst: int, rate: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.burst = burst
        self.rate = rate  # tokens regained per second
        self.monotonic = monotonic
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when counted)
        self._lock = threading.Lock()

    def take(self, key: str) -> bool:
        """True when a message may go to `key` now (and counts it); False when it must wait."""
        with self._lock:
            return self._take(key, self.monotonic())

    def take_all(self, keys: list[tuple[Pacer, str]]) -> bool:
        """Several buckets at once (this one's lock guards them all): every one has room, or none is spent."""
        with self._lock:
            now = self.monotonic()
            levels = [(p, k, p._level(k, now)) for p, k in keys]
            if any(level < 1.0 for _, _, level in levels):
                for p, k, level in levels:
                    p._buckets[k] = (level, now)
                return False
            for p, k, level in levels:
                p._buckets[k] = (level - 1.0, now)
            return True

    def _level(self, key: str, now: float) -> float:
        tokens, then = self._buckets.get(key, (float(self.burst), now))
        return min(float(self.burst), tokens + max(0.0, now - then) * self.rate)

    def _take(self, key: str, now: float) -> bool:
        level = self._level(key, now)
        if level < 1.0:
            self._buckets[key] = (level, now)
            return False
        self._buckets[key] = (level - 1.0, now)
        return True
