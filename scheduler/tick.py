"""`baton tick --at`: run, once, the work due at an instant, and deliver what it produces."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from io import StringIO

from sqlalchemy.engine import Engine

from bot.settings import Settings
from handlers.clock import FixedClock
from storage import outbox
from storage.db import unit_of_work


def tick(settings: Settings, *, engine: Engine, at: datetime, dry_run: bool) -> Iterator[str]:
    clock = FixedClock(at)
    if dry_run:
        with unit_of_work(engine) as session:
            due = outbox.due_messages(session=session, now=clock(), limit=10_000)
            yield f"{len(due)} message(s) due at {at.isoformat()} (dry run: nothing sent)"
            for row in due:
                yield f"  #{row.id} {row.kind} → {row.recipient} {row.event or ''} T-{row.task_id}"
            session.rollback()
        return
    if settings.slack_bot_token is None:
        from bot.app import create_local
        from bot.console import ConsoleSender

        buffer = StringIO()
        baton = create_local(
            settings, ConsoleSender(buffer, settings.baton_timezone), clock=clock, engine=engine
        )
    else:
        from bot.app import create_app

        baton = create_app(settings, clock=clock, engine=engine)
        buffer = None
    sent = baton.worker.deliver_due()
    yield f"Delivered {sent} message(s) due at {at.isoformat()}"
    if buffer is not None:
        yield from buffer.getvalue().rstrip("\n").splitlines()
