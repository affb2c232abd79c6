"""`baton tick --at`: run, once, the scheduled work due at an instant, and deliver what it produces.

The composition root hands it what it needs from above: the delivery worker (None when no chat platform
is configured: messages then stay queued) and how a message reads as plain text (for --dry-run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from sqlalchemy.engine import Engine

from handlers.context import Config
from handlers.messages import Composer
from handlers.outgoing import Outgoing
from handlers.ports import Hold, RetryLater, Skip, Undeliverable
from scheduler.delivery import DeliveryWorker
from scheduler.sweep import sweep, sweep_in
from storage import outbox
from storage.db import unit_of_work

DescribeMessage = Callable[[Outgoing], list[str]]


def tick(
    engine: Engine,
    *,
    at: datetime,
    config: Config,
    worker: DeliveryWorker | None,
    dry_run: bool,
    describe: DescribeMessage,
) -> Iterator[str]:
    if dry_run:
        yield from _dry_run(engine, at=at, config=config, describe=describe)
        return
    planned = sweep(engine, now=at, default_tz=config.default_tz)
    if worker is None:
        with unit_of_work(engine) as session:
            waiting = len(outbox.due_messages(session=session, now=at, limit=10_000))
        yield (
            f"At {at.isoformat()}: queued {_count(len(planned), 'scheduled message')}; "
            f"{_count(waiting, 'message')} wait for delivery: no chat platform is configured, so nothing "
            "was sent (they stay queued for `baton run`; `baton tick --dry-run` shows them)"
        )
        return
    sent = worker.deliver_due()
    queued = _count(len(planned), "scheduled message")
    yield f"At {at.isoformat()}: queued {queued}, delivered {_count(sent, 'message')}"


def _dry_run(engine: Engine, *, at: datetime, config: Config, describe: DescribeMessage) -> Iterator[str]:
    """Plan and compose everything in one transaction, show it, and roll it all back."""
    with unit_of_work(engine) as session:
        planned = sweep_in(session, now=at, default_tz=config.default_tz)
        pending = outbox.due_messages(session=session, now=at, limit=10_000)
        yield (
            f"At {at.isoformat()}: {_count(len(planned), 'scheduled message')} to queue, "
            f"{_count(len(pending), 'queued message')} to deliver (dry run: nothing sent, nothing changed)"
        )
        composer = Composer(session, now=at, config=config, directory=None)
        for row in pending:
            try:
                lines = describe(composer.compose(row).message)
            except (Skip, Undeliverable, RetryLater, Hold) as why:
                lines = [f"[{row.recipient}] (would not be sent: {type(why).__name__} {why})"]
            yield f"  #{row.id} {lines[0]}"
            yield from (f"      {line}" for line in lines[1:])
        session.rollback()


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"
