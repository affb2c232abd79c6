"""Quiet by design (SPEC §5): whatever falls due for one recipient in a sweep is one message — the owner's
nudges and overdue work, a lead's escalations, a channel's far-overdue alerts — with three replicas
sweeping the same instant, and over a week of sweeps."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.slack.messages import render
from handlers.clock import FixedClock
from handlers.outgoing import Digest
from scheduler.delivery import DeliveryWorker
from scheduler.sweep import sweep
from storage.db import make_engine, unit_of_work
from storage.models import OutboxMessage
from tests.company import CONFIG, Driver, seed, uid
from tests.simulation import Recorder

MONDAY = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
FRIDAY = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # 17:30 in Shanghai; the channel works in UTC
TASKS = 30
SCHEDULED = {"roundup", "overdue", "ack_nudge", "ack_escalate", "due_soon", "overdue_lead", "overdue_far"}


def file_thirty(engine: Engine, clock: FixedClock) -> None:
    """Thirty tasks for paul (production, led by pete), due Monday night, never acknowledged."""
    seed(engine, clock)
    act = Driver(engine, clock)
    for i in range(TASKS):
        act.ok("alice", f"new Check gauge {i} @paul due:2026-11-16")
    with unit_of_work(engine) as session:  # the assignments went out at once; only the sweep's matter here
        for row in session.exec(select(OutboxMessage)).all():
            session.delete(row)


def scheduled(recorder: Recorder) -> list[tuple[datetime, str, str]]:
    return [
        (at, recipient, event)
        for at, recipient, event, _ in recorder.sent
        if event.split("[")[0] in SCHEDULED
    ]


def test_thirty_overdue_tasks_make_one_message_per_recipient_with_three_replicas(
    file_engine_url: str,
) -> None:
    clock = FixedClock(MONDAY)
    engines = [make_engine(file_engine_url) for _ in range(3)]
    file_thirty(engines[0], clock)
    clock.set(FRIDAY)
    recorder = Recorder(clock)
    workers = [DeliveryWorker(e, recorder, clock, config=CONFIG, concurrency=1) for e in engines]
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def replica(index: int) -> None:
        try:
            start.wait()
            sweep(engines[index], now=FRIDAY, default_tz="UTC")
            workers[index].deliver_due()
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=replica, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for worker in workers:
        worker.deliver_due()  # whatever a replica left behind
    assert errors == []
    per_recipient = Counter(recipient for _, recipient, _ in scheduled(recorder))
    assert per_recipient == {uid("paul"): 1, uid("pete"): 1, "C_PRODUCTION": 1}

    digests = {m.origin.recipient: m.body for m in recorder.messages if isinstance(m.body, Digest)}
    owner, lead, channel = digests[uid("paul")], digests[uid("pete")], digests["C_PRODUCTION"]
    assert len(owner.items) == len(lead.items) == len(channel.items) == TASKS  # each task once
    assert {r.key for r in owner.items[0].reasons} == {"r_overdue", "r_ack_nudge"}
    assert owner.items[0].moves == ("ack", "block", "done") and owner.items[0].snooze
    assert {r.key for r in lead.items[0].reasons} == {"r_overdue_lead", "r_ack_escalate"}
    assert owner.title.key == "n_roundup" and lead.title.key == "n_roundup_lead"
    assert channel.title.key == "n_roundup_channel"

    # Still one Block Kit message: twenty tasks with their buttons, and a line for the ten more (paul reads
    # Chinese).
    paul = next(m for m in recorder.messages if m.origin.recipient == uid("paul"))
    blocks = render(paul)["blocks"]
    assert len(blocks) <= 50
    assert "还有 10 个" in str(blocks[-1]) and sum(b["type"] == "actions" for b in blocks) == 20

    # Each reminder is still recorded once under its own key; a second tick queues nothing.
    with unit_of_work(engines[0]) as session:
        rows = session.exec(select(OutboxMessage)).all()
        keys = [r.dedupe_key for r in rows if r.dedupe_key]
        assert len(keys) == len(set(keys))
        assert {r.status for r in rows if r.event != "roundup"} == {"gathered"}
    for e in engines:
        sweep(e, now=FRIDAY, default_tz="UTC")
        e.dispose()
    assert len(scheduled(recorder)) == 3


def test_a_week_of_sweeps_never_sends_one_person_two_scheduled_messages_at_once(engine: Engine) -> None:
    clock = FixedClock(MONDAY)
    file_thirty(engine, clock)
    recorder = Recorder(clock)
    worker = DeliveryWorker(engine, recorder, clock, config=CONFIG)
    at = MONDAY
    while at < MONDAY + timedelta(days=7):
        clock.set(at)
        sweep(engine, now=at, default_tz="UTC")
        worker.deliver_due()
        at += timedelta(minutes=15)
    sent = scheduled(recorder)
    per_sweep = Counter((when, recipient) for when, recipient, _ in sent)
    assert per_sweep and max(per_sweep.values()) == 1
    # Everyone heard: the owner's nudges and daily overdue work, the lead's escalations, the channel.
    assert {recipient for _, recipient, _ in sent} == {uid("paul"), uid("pete"), "C_PRODUCTION"}
    assert len([1 for _, r, _ in sent if r == uid("paul")]) <= 6  # a handful a week, not a hundred


def test_while_delivery_lags_a_waiting_roundup_gathers_what_arrives(engine: Engine) -> None:
    """Sweeps every minute while nothing is delivered (Slack down, say): one roundup waits per
    recipient, not one more a minute; when delivery is back, each recipient gets one message."""
    clock = FixedClock(MONDAY)
    file_thirty(engine, clock)
    for minute in range(5):
        sweep(engine, now=FRIDAY + timedelta(minutes=minute), default_tz="UTC")
    with unit_of_work(engine) as session:
        roundups = Counter(
            r.recipient for r in session.exec(select(OutboxMessage)).all() if r.event == "roundup"
        )
    assert roundups == {uid("paul"): 1, uid("pete"): 1, "C_PRODUCTION": 1}
    clock.set(FRIDAY + timedelta(minutes=5))
    recorder = Recorder(clock)
    DeliveryWorker(engine, recorder, clock, config=CONFIG).deliver_due()
    assert Counter(recipient for _, recipient, _ in scheduled(recorder)) == roundups
