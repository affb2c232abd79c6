"""The outbox worker against a faulty fake Slack: retried, never lost, never doubled. Time is injected."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.app import web_client
from bot.settings import Settings
from bot.slack.sender import SlackSender
from handlers.clock import FixedClock
from scheduler.delivery import CLAIM_BATCH, CONCURRENCY, DeliveryWorker
from storage import migrate, outbox
from storage.db import make_engine
from storage.models import OutboxMessage
from tests.company import Driver, seed, uid
from tests.conftest import NOW
from tests.fake_slack import FakeSlack


def make_worker(engine: Engine, clock: FixedClock, api_url: str, *, lanes: int = 1) -> DeliveryWorker:
    """One lane unless asked: with several, which send meets a scripted fault first is up to timing."""
    settings = Settings(SLACK_BOT_TOKEN="xoxb-t", SLACK_API_URL=api_url)  # type: ignore[call-arg]
    client = web_client(settings)
    client.retry_handlers = []  # the worker, not the client, decides when to try again
    return DeliveryWorker(
        engine,
        SlackSender(client),
        clock,
        concurrency=lanes,
    )


@pytest.fixture
def world(
    engine: Engine, clock: FixedClock, fake_slack: FakeSlack
) -> Iterator[tuple[Driver, DeliveryWorker]]:
    seed(engine, clock)
    fake_slack.add_user(uid("pete"), "pete", tz="Asia/Shanghai")
    yield Driver(engine, clock), make_worker(engine, clock, fake_slack.url)


def statuses(engine: Engine) -> list[tuple[str, str, int]]:
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(r.kind, r.status, r.attempts) for r in rows]


def test_rate_limited_messages_wait_for_retry_after_then_go_once(
    world, fake_slack: FakeSlack, clock: FixedClock, engine: Engine
) -> None:
    bot, worker = world
    fake_slack.fail("chat.postMessage", 429, "ratelimited", times=1, headers={"Retry-After": "30"})
    bot.ok("alice", "new Seal check @pete")
    worker.deliver_due()
    assert fake_slack.calls_to("chat.postMessage") == []
    assert fake_slack.faults["chat.postMessage"] == []  # one 429 was spent…
    assert [(s, a) for _, s, a in statuses(engine)] == [
        ("pending", 1),
        ("pending", 0),
    ]  # …and the card waited
    clock.advance(timedelta(seconds=29))
    worker.deliver_due()
    assert fake_slack.calls_to("chat.postMessage") == []  # Retry-After is honoured to the second, by everyone
    clock.advance(timedelta(seconds=1))
    worker.deliver_due()
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    assert statuses(engine) == [("dm", "sent", 2), ("card", "sent", 1)]
    clock.advance(timedelta(hours=1))
    worker.deliver_due()
    assert len(fake_slack.calls_to("chat.postMessage")) == 2  # nothing sent twice


def test_server_errors_back_off_and_are_retried_until_they_succeed(
    world, fake_slack: FakeSlack, clock: FixedClock, engine: Engine
) -> None:
    bot, worker = world
    fake_slack.fail("chat.postMessage", 503, times=5)
    bot.ok("alice", "new Seal check @pete")
    for _ in range(10):
        worker.deliver_due()
        clock.advance(timedelta(minutes=5))
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    assert all(status == "sent" for _, status, _ in statuses(engine))


def test_an_unreachable_slack_keeps_messages_until_it_answers(
    world, fake_slack: FakeSlack, clock: FixedClock, engine: Engine
) -> None:
    bot, _ = world
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{closed.getsockname()[1]}/api/"  # bound, never listening: refused
        dead = make_worker(engine, clock, dead_url)
        bot.ok("alice", "new Seal check @pete")
        dead.deliver_due()
    assert [(s, a) for _, s, a in statuses(engine)] == [("pending", 1), ("pending", 1)]
    clock.advance(timedelta(minutes=5))
    make_worker(engine, clock, fake_slack.url).deliver_due()
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    assert [s for _, s, _ in statuses(engine)] == ["sent", "sent"]


def test_permanent_errors_are_recorded_not_retried_forever(
    world, fake_slack: FakeSlack, clock: FixedClock, engine: Engine
) -> None:
    bot, worker = world
    fake_slack.fail("chat.postMessage", 200, "channel_not_found", times=1)
    bot.ok("alice", "new Seal check @pete")
    worker.deliver_due()
    clock.advance(timedelta(hours=1))
    worker.deliver_due()
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.status, r.last_error) for r in rows] == [("failed", "channel_not_found"), ("sent", None)]


def test_card_updates_coalesce_into_one_call_showing_the_latest_state(
    world, fake_slack: FakeSlack, engine: Engine
) -> None:
    bot, worker = world
    bot.ok("alice", "new Seal check @pete")
    worker.deliver_due()
    bot.ok("pete", "ack 1")
    bot.ok("pete", "start 1")
    bot.ok("pete", "block 1 no seals in stock")
    worker.deliver_due()
    updates = fake_slack.calls_to("chat.update")
    assert len(updates) == 1
    assert "blocked" in str(updates[0].params["blocks"])
    card_rows = [s for kind, s, _ in statuses(engine) if kind == "card"]
    assert card_rows == ["sent", "superseded", "superseded", "sent"]


def test_an_undeliverable_card_is_reported_to_its_requester_and_can_be_retried(
    world, fake_slack: FakeSlack, clock: FixedClock, engine: Engine
) -> None:
    from storage.db import unit_of_work

    bot, worker = world
    bot.ok("alice", "new Seal check @pete")
    worker.deliver_due()  # the DM and the card go out
    fake_slack.fail("chat.update", 200, "channel_not_found")
    bot.ok("pete", "ack 1")
    worker.deliver_due()
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        settled = [(r.kind, r.recipient, r.event, r.status, r.last_error) for r in rows]
    assert settled[2:] == [
        ("dm", uid("alice"), "ack", "sent", None),
        ("card", "C_GENERAL", "", "failed", "channel_not_found"),
        ("dm", uid("alice"), "undeliverable", "sent", None),  # the requester learns where it could not go
    ]
    note = fake_slack.dms_to(uid("alice"))[-1].params["text"]
    assert "I could not post in C_GENERAL (channel_not_found)" in note
    with unit_of_work(engine) as session:
        assert outbox.retry(session=session, ids=None, now=clock()) == 1
    worker.deliver_due()
    assert len(fake_slack.calls_to("chat.update")) == 1 and statuses(engine)[3][1] == "sent"


def _numbered(engine: Engine, clock: FixedClock, recipients: list[str], per_recipient: int) -> None:
    """`per_recipient` numbered DMs to each recipient, queued interleaved."""
    with Session(engine) as session:
        for n in range(per_recipient):
            for user in recipients:
                data = {"channel": None, "key": "home_more", "params": {"count": n}}
                outbox.enqueue(session=session, kind="ephemeral", recipient=user, now=clock(), data=data)
        session.commit()


@pytest.fixture
def pooled_engine(db_kind: str, engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A database each thread gets its own connection to (in-memory SQLite shares one)."""
    if db_kind != "sqlite":
        yield engine
        return
    eng = make_engine(f"sqlite:///{tmp_path / 'lanes.db'}")
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


def test_sends_overlap_yet_each_recipient_gets_its_messages_once_and_in_order(
    pooled_engine: Engine, clock: FixedClock, fake_slack: FakeSlack
) -> None:
    engine = pooled_engine
    recipients = [f"U_LANE{i}" for i in range(8)]
    _numbered(engine, clock, recipients, per_recipient=3)
    fake_slack.delays["chat.postMessage"] = 0.1  # a slow Slack: one send at a time would take 2.4 s
    worker = make_worker(engine, clock, fake_slack.url, lanes=CONCURRENCY)
    started = time.monotonic()
    assert worker.concurrency > 1
    assert worker.deliver_due() == 24
    elapsed = time.monotonic() - started
    worker.stop()
    sent = [(c.params["channel"], c.params["text"]) for c in fake_slack.calls_to("chat.postMessage")]
    assert sorted(sent) == sorted((u, f"Show {n} more") for u in recipients for n in range(3))  # once each
    for user in recipients:
        assert [t for c, t in sent if c == user] == ["Show 0 more", "Show 1 more", "Show 2 more"]
    assert elapsed < 24 * 0.1 * 0.75, f"sends did not overlap ({elapsed:.2f} s)"
    assert {s for _, s, _ in statuses(engine)} == {"sent"}


def test_an_in_memory_database_is_sent_from_one_lane(engine: Engine, db_kind: str) -> None:
    worker = make_worker(engine, FixedClock(NOW), "http://127.0.0.1:9", lanes=CONCURRENCY)
    assert worker.concurrency == (1 if db_kind == "sqlite" else CONCURRENCY)


def test_one_lane_keeps_the_queue_order(engine: Engine, clock: FixedClock, fake_slack: FakeSlack) -> None:
    _numbered(engine, clock, ["U_ONE", "U_TWO"], per_recipient=2)
    worker = make_worker(engine, clock, fake_slack.url)
    worker.concurrency = 1
    assert worker.deliver_due() == 4
    texts = [(c.params["channel"], c.params["text"]) for c in fake_slack.calls_to("chat.postMessage")]
    assert texts == [
        ("U_ONE", "Show 0 more"),
        ("U_TWO", "Show 0 more"),
        ("U_ONE", "Show 1 more"),
        ("U_TWO", "Show 1 more"),
    ]  # one lane keeps the queue's own order


def test_the_due_rows_are_scanned_once_per_batch_not_once_per_message(
    engine: Engine, clock: FixedClock, fake_slack: FakeSlack
) -> None:
    # A scan reads every pending row; one per message made delivery O(pending) a message.
    _numbered(engine, clock, [f"U_MANY{i}" for i in range(250)], per_recipient=1)
    scans: list[str] = []

    def count(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if "ORDER BY outboxmessage.id" in statement and "LIMIT" in statement:
            scans.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    worker = make_worker(engine, clock, fake_slack.url)
    assert worker.deliver_due() == 250
    event.remove(engine, "before_cursor_execute", count)
    assert len(fake_slack.calls_to("chat.postMessage")) == 250
    assert len(scans) <= 250 // CLAIM_BATCH + 2  # three full batches, and the scan that finds none


def test_a_candidate_settled_elsewhere_after_the_scan_is_not_sent_again(
    pooled_engine: Engine, clock: FixedClock, fake_slack: FakeSlack
) -> None:
    engine = pooled_engine
    _numbered(engine, clock, [f"U_STALE{i}" for i in range(5)], per_recipient=1)
    first = make_worker(engine, clock, fake_slack.url)
    assert first.deliver_due(limit=1) == 1  # its scan found all five; four wait in its queue
    other = make_worker(engine, clock, fake_slack.url)
    assert other.deliver_due() == 4  # another worker (a replica) sends them meanwhile
    assert first._drain(set(), 10) == 0  # noqa: SLF001 - the stale candidates, each checked again
    sent = [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")]
    assert sorted(sent) == [f"U_STALE{i}" for i in range(5)]  # once each
