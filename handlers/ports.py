"""The ports between the brain and a chat platform's delivery: what a sender may answer.

Neither a platform nor scheduler/ owns these: a platform's sender raises them, the delivery worker in
scheduler/ acts on them, and both import them from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from handlers.outgoing import Landed, Outgoing


class Sender(Protocol):
    """A chat platform's delivery: render one typed message and post it (or update it in place).

    Returns where it landed (None where nothing is to be remembered); raises the outcomes below when
    it cannot go now."""

    def deliver(self, message: Outgoing) -> Landed | None: ...


class RetryLater(Exception):
    """The platform is busy or unreachable: send again after `retry_after` seconds (or a backoff)."""

    def __init__(self, reason: str, retry_after: float | None = None, *, pause_all: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.pause_all = pause_all  # a rate limit: nothing else should be tried until it has passed


class Hold(Exception):
    """Not yet: this recipient was written to a moment ago (pacing). Skipped this pass, not an attempt."""


class Undeliverable(Exception):
    """This message can never go where it was meant to (channel gone, bot not invited…)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Skip(Exception):
    """Nothing is left worth sending (e.g. every task it listed was finished meanwhile)."""
