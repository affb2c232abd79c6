"""`baton tick --at`: run, once, the scheduled work due at an instant, and deliver what it produces."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from io import StringIO

from sqlalchemy.engine import Engine

from bot.settings import Settings
from handlers.clock import FixedClock
from scheduler.sweep import sweep
from storage import outbox
from storage.db import unit_of_work


def tick(settings: Settings, *, engine: Engine, at: datetime, dry_run: bool) -> Iterator[str]:
    clock = FixedClock(at)
    planned = sweep(engine, now=at, default_tz=settings.baton_timezone, dry_run=dry_run)
    if dry_run:
        with unit_of_work(engine) as session:
            pending = outbox.due_messages(session=session, now=at, limit=10_000)
            yield (
                f"At {at.isoformat()}: {len(planned)} scheduled message(s) to queue, {len(pending)} queued "
                "message(s) to deliver (dry run: nothing sent, nothing changed)"
            )
            for p in planned:
                subject = f" T-{p.task_id}" if p.task_id else ""
                yield f"  would queue {p.event} → {p.recipient}{subject}"
            for row in pending:
                subject = f" T-{row.task_id}" if row.task_id else ""
                yield f"  would deliver #{row.id} {row.kind} {row.event or ''} → {row.recipient}{subject}"
            session.rollback()
        return
    buffer: StringIO | None = None
    if settings.slack_bot_token is None:
        from bot.app import create_local
        from bot.console import ConsoleSender

        buffer = StringIO()
        sender = ConsoleSender(buffer, settings.baton_timezone, clock)
        baton = create_local(settings, sender, clock=clock, engine=engine)
    else:
        from bot.app import create_app

        baton = create_app(settings, clock=clock, engine=engine)
    sent = baton.worker.deliver_due()
    yield f"At {at.isoformat()}: queued {len(planned)} scheduled message(s), delivered {sent} message(s)"
    if buffer is not None:
        yield from buffer.getvalue().rstrip("\n").splitlines()
