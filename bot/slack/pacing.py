"""Slack allows about one message per second per channel, with short bursts: a token bucket per channel."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

BURST = 4
PER_SECOND = 1.0


class ChannelPacer:
    def __init__(
        self, *, burst: int = BURST, rate: float = PER_SECOND, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.rate = rate
        self.monotonic = monotonic
        self._buckets: dict[str, tuple[float, float]] = {}  # channel -> (tokens, when counted)
        self._lock = threading.Lock()

    def take(self, channel: str) -> bool:
        """True when a message may go to `channel` now (and counts it); False when it must wait."""
        with self._lock:
            now = self.monotonic()
            tokens, then = self._buckets.get(channel, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens < 1.0:
                self._buckets[channel] = (tokens, now)
                return False
            self._buckets[channel] = (tokens - 1.0, now)
            return True
