"""Requests from interactive surfaces that are messages too, so they go through the outbox:
a private note to one person, a fresh home tab, a pressed message brought up to date."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.clock import Clock
from handlers.context import Config
from handlers.outgoing import Outgoing
from handlers.ports import RetryLater, Skip, Undeliverable
from handlers.results import Text
from storage import deliveries, outbox
from storage import people as people_store
from storage import tasks as task_store
from storage.db import unit_of_work
from storage.models import OutboxMessage


def queue_private(engine: Engine, *, user_id: str, channel_id: str | None, text: Text, clock: Clock) -> None:
    """A note only `user_id` sees: ephemeral in a channel, else a direct message."""
    with unit_of_work(engine) as session:
        queue_private_in(session, user_id=user_id, channel_id=channel_id, text=text, now=clock())


def queue_private_in(
    session: Session, *, user_id: str, channel_id: str | None, text: Text, now: datetime
) -> None:
    """The same, in the caller's transaction."""
    params: dict[str, Any] = json.loads(json.dumps(text.params, default=str))
    outbox.enqueue(
        session=session,
        kind="ephemeral",
        recipient=user_id,
        now=now,
        data={"channel": channel_id, "key": text.key, "params": params},
    )


def request_home(
    engine: Engine, *, user_id: str, clock: Clock, offsets: dict[str, int] | None = None
) -> None:
    with unit_of_work(engine) as session:
        request_home_in(session, user_id=user_id, now=clock(), offsets=offsets)


def request_home_in(
    session: Session, *, user_id: str, now: datetime, offsets: dict[str, int] | None = None
) -> None:
    """The same, in the caller's transaction."""
    outbox.enqueue(session=session, kind="home", recipient=user_id, now=now, data={"offsets": offsets or {}})


def refresh_sent(engine: Engine, *, channel: str, ts: str, clock: Clock) -> bool:
    """Re-render the direct message sent at (channel, ts) with its task's current state."""
    with unit_of_work(engine) as session:
        return refresh_sent_in(session, channel=channel, ts=ts, now=clock())


def refresh_sent_in(session: Session, *, channel: str, ts: str, now: datetime) -> bool:
    """The same, in the caller's transaction (a press: the command's own)."""
    original = outbox.sent_at(session=session, channel=channel, ts=ts)
    if original is None or original.kind != "dm":
        return False
    outbox.enqueue(
        session=session,
        kind="refresh",
        recipient=original.recipient,
        now=now,
        task_id=original.task_id,
        data={"outbox_id": original.id},
    )
    return True


def is_task_card(engine: Engine, *, task_id: int, channel: str, ts: str) -> bool:
    """Is the message at (channel, ts) the task's card in that channel (one a whole group reads)?"""
    with unit_of_work(engine) as session:
        shown = outbox.card_location(session=session, task_id=task_id, channel=channel)
        return shown is not None and shown.ts == ts


def pressed_message(
    engine: Engine, *, channel: str, ts: str, task_id: int | None, clock: Clock, config: Config
) -> Outgoing | None:
    """The message a press came from, as it reads now, for platforms that answer a press with the
    updated message (Feishu): a task's shared card in a channel, or a direct message Baton sent (with
    its reader's buttons). None for anything else, or when it cannot be composed now; the outbox brings
    it up to date as before. Composed as the outbox would (handlers.messages), without asking any
    directory: the presser is waiting."""
    from handlers.messages import Composer

    with unit_of_work(engine) as session:
        composer = Composer(session, now=clock(), config=config, directory=None)
        row: OutboxMessage | None = None
        if task_id is not None:
            shown = outbox.card_location(session=session, task_id=task_id, channel=channel)
            if shown is not None and shown.ts == ts:
                row = OutboxMessage(kind="card", recipient=channel, task_id=task_id, event="card")
        if row is None:
            original = outbox.sent_at(session=session, channel=channel, ts=ts)
            if original is None or original.kind != "dm":
                return None
            data = json.dumps({"outbox_id": original.id})
            row = OutboxMessage(
                kind="refresh", recipient=original.recipient, task_id=original.task_id, data=data
            )
        try:
            return composer.compose(row).message
        except (Skip, Undeliverable, RetryLater):
            return None


def blocker_form_values(engine: Engine, *, run_id: int, user_id: str) -> dict[str, str | None] | None:
    from handlers.standup_runs import blocker_prefill

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


def offer_key(*, channel: str, message_id: str, user_id: str) -> str:
    return f"offer:{channel}:{message_id}:{user_id}"


def queue_offer(
    engine: Engine,
    *,
    user_id: str,
    channel: str,
    message_id: str,
    thread: str,
    quote: str,
    link: str,
    clock: Clock,
) -> bool:
    """Offer `user_id`, privately, to file the message at (channel, message_id) as a task; once per person
    and message, however often they react. True when offered now."""
    with unit_of_work(engine) as session:
        return outbox.enqueue_once(
            session=session,
            dedupe_key=offer_key(channel=channel, message_id=message_id, user_id=user_id),
            kind="ephemeral",
            recipient=user_id,
            now=clock(),
            event="offer",
            data={
                "channel": channel,
                "message_id": message_id,
                "thread": thread,
                "quote": quote,
                "link": link,
            },
        )


def offered(engine: Engine, *, channel: str, message_id: str, user_id: str) -> dict[str, Any] | None:
    """What was offered to this person about this message: the message's text, thread and link."""
    with unit_of_work(engine) as session:
        row = outbox.by_dedupe_key(
            session=session, dedupe_key=offer_key(channel=channel, message_id=message_id, user_id=user_id)
        )
        return dict(json.loads(row.data)) if row is not None else None


def queue_thread_text(
    engine: Engine, *, channel: str, thread: str, text: Text, clock: Clock, asked_by: str | None = None
) -> None:
    """A catalogue text posted in a thread, in the language of the person it answers (e.g. how to
    mention the bot)."""
    params: dict[str, Any] = json.loads(json.dumps(text.params, default=str))
    with unit_of_work(engine) as session:
        outbox.enqueue(
            session=session,
            kind="thread",
            recipient=channel,
            now=clock(),
            event="text",
            actor_id=asked_by,
            data={"thread": thread, "key": text.key, "params": params},
        )


def intake_channel(engine: Engine, *, channel: str) -> bool:
    """Is this a department's intake channel? (Asked before anything else about a message posted there.)"""
    with unit_of_work(engine) as session:
        return people_store.department_for_intake(session=session, channel_id=channel) is not None


def thread_has_tasks(engine: Engine, *, channel: str, thread: str) -> bool:
    """Was a task filed from a message in this thread? (Asked before anything else about a reply there.)"""
    with unit_of_work(engine) as session:
        return bool(task_store.tasks_in_thread(session=session, channel=channel, thread=thread))
