"""Learn the platform's workspace-wide ceiling from its rate-limit answers, and keep under it.

Slack publishes per-channel limits but not the workspace ceiling for bursts of messages. Sending as
fast as we can and pausing on every 429 wastes a second per 429 and makes a storm of them. So, once
a 429 arrives while we are sending at volume, the rate we were sending at, less a margin, becomes a
limit; it creeps back up while no 429 comes (additive increase, multiplicative decrease, as TCP does).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

VOLUME = 20  # below this many messages a second, a 429 is someone else's burst: just pause
BACKOFF = 0.95  # the new limit, as a share of the rate that met the 429
CREEP = 0.01  # a second without 429s raises the limit by this share…
NEAR = 0.98  # …up to this share of the rate that last met a 429…
PROBE_AFTER = 60.0  # …which is forgotten a little (+5%) each minute without 429s, to find new room


class SendRate:
    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self.limit: float | None = None  # messages a second; None until the platform has said "too fast"
        self.ceiling = 0.0  # the rate that last met a 429
        self._recent: deque[float] = deque()
        self._next_slot = 0.0
        self._raised_at = 0.0
        self._lowered_at = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take the next slot; returns how many seconds to wait before using it (0: now)."""
        with self._lock:
            now = self.monotonic()
            self._creep(now)
            if self.limit is None:
                return 0.0
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self.limit
            return slot - now

    def sent(self) -> None:
        with self._lock:
            now = self.monotonic()
            self._recent.append(now)
            while self._recent and now - self._recent[0] > 1.0:
                self._recent.popleft()

    def rate_limited(self) -> None:
        with self._lock:
            now = self.monotonic()
            while self._recent and now - self._recent[0] > 1.0:
                self._recent.popleft()
            observed = len(self._recent)
            if observed < VOLUME and self.limit is None:
                return
            if self.limit is not None and now - self._lowered_at < 1.0:
                return  # the other sends that were in flight with it: one 429 burst, one decrease
            self._lowered_at = now
            self.ceiling = float(max(observed, 1))
            wanted = max(1.0, BACKOFF * self.ceiling)
            self.limit = wanted if self.limit is None else max(1.0, min(self.limit * BACKOFF, wanted))
            self._raised_at = now

    def _creep(self, now: float) -> None:
        if self.limit is not None and now - self._raised_at >= 1.0:
            steps = int(now - self._raised_at)
            if now - self._lowered_at >= PROBE_AFTER:
                self.ceiling *= 1.05
                self._lowered_at = now
            self.limit = min(self.limit * (1 + CREEP) ** steps, NEAR * self.ceiling)
            self._raised_at += steps
