"""Requests from interactive surfaces that are messages too, so they go through the outbox:
a private note to one person, a fresh home tab, a pressed message brought up to date."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Engine

from handlers.clock import Clock
from handlers.results import Text
from storage import deliveries, outbox
from storage.db import unit_of_work


def queue_private(engine: Engine, *, user_id: str, channel_id: str | None, text: Text, clock: Clock) -> None:
    """A note only `user_id` sees: ephemeral in a channel, else a direct message."""
    params: dict[str, Any] = json.loads(json.dumps(text.params, default=str))
    with unit_of_work(engine) as session:
        outbox.enqueue(
            session=session,
            kind="ephemeral",
            recipient=user_id,
            now=clock(),
            data={"channel": channel_id, "key": text.key, "params": params},
        )


def request_home(
    engine: Engine, *, user_id: str, clock: Clock, offsets: dict[str, int] | None = None
) -> None:
    with unit_of_work(engine) as session:
        outbox.enqueue(
            session=session, kind="home", recipient=user_id, now=clock(), data={"offsets": offsets or {}}
        )


def refresh_sent(engine: Engine, *, channel: str, ts: str, clock: Clock) -> bool:
    """Re-render the direct message sent at (channel, ts) with its task's current state."""
    with unit_of_work(engine) as session:
        original = outbox.sent_at(session=session, channel=channel, ts=ts)
        if original is None or original.kind != "dm":
            return False
        outbox.enqueue(
            session=session,
            kind="refresh",
            recipient=original.recipient,
            now=clock(),
            task_id=original.task_id,
            data={"outbox_id": original.id},
        )
        return True


def blocker_form_values(engine: Engine, *, run_id: int, user_id: str) -> dict[str, str | None] | None:
    from handlers.standups import blocker_prefill

    with unit_of_work(engine) as session:
        return blocker_prefill(session, run_id=run_id, user_id=user_id)


def first_time(engine: Engine, *, key: str, clock: Clock) -> bool:
    """Has this delivery from a chat platform (an event id, a form submission) not been handled yet?"""
    with unit_of_work(engine) as session:
        return deliveries.first_delivery(session=session, key=key, now=clock())


def open_run_of(engine: Engine, *, user_id: str) -> int | None:
    """The stand-up run this person can answer now (the most recent open one), for an "Answer" menu."""
    from storage import standups

    with unit_of_work(engine) as session:
        runs = standups.open_runs_for(session=session, user_id=user_id)  # latest first
        return runs[0].id if runs else None
