"""Slack allows about one message per second per channel, with short bursts: a token bucket per channel."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.pacing import Pacer

BURST = 4
PER_SECOND = 1.0


class ChannelPacer(Pacer):
    def __init__(
        self, *, burst: int = BURST, rate: float = PER_SECOND, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(burst=burst, rate=rate, monotonic=monotonic)
