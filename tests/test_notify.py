"""What the requester hears, and `/task notify instant|daily <HH:MM>` (SPEC §5, "Quiet by design")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.clock import FixedClock
from handlers.outgoing import Digest
from scheduler.delivery import DeliveryWorker
from scheduler.sweep import sweep
from storage.models import Member, OutboxMessage
from tests.company import CONFIG, Driver, counts, seed, uid
from tests.conftest import NOW
from tests.simulation import Recorder

THURSDAY_0905 = datetime(2026, 11, 19, 1, 5, tzinfo=UTC)  # 09:05 in Shanghai, alice's zone


def rows_to(engine: Engine, who: str) -> list[tuple[str, str]]:
    with Session(engine) as session:
        stmt = select(OutboxMessage).where(OutboxMessage.recipient == uid(who)).order_by(OutboxMessage.id)
        rows = session.exec(stmt).all()
        return [(r.event, r.status) for r in rows]


def test_the_requester_hears_what_they_wait_for_and_not_every_move(engine: Engine, clock: FixedClock) -> None:
    seed(engine, clock)
    act = Driver(engine, clock)
    act.ok("alice", "new Check the seals @pete")
    act.clear_outbox()
    act.ok("pete", "start 1")  # started without acknowledging: walks the ack step, tells nobody
    act.ok("pete", "block 1 waiting for parts")
    act.ok("pete", "start 1")
    act.ok("pete", "priority 1 high")
    act.ok("pete", "done 1 replaced")
    act.ok("alice", "reopen 1 still leaking")
    act.ok("pete", "due 1 friday")
    assert [e for e, _ in rows_to(engine, "alice")] == ["block", "done", "due"]
    # The accountable lead hears of the block (pete leads production himself, so nobody else).
    assert [e for e, _ in rows_to(engine, "pete")] == ["reopen"]


def test_notify_daily_gathers_news_into_one_morning_summary(engine: Engine, clock: FixedClock) -> None:
    seed(engine, clock)
    act = Driver(engine, clock)
    refused = act.refused("alice", "notify sometimes", "notify_bad")
    assert refused.reply.text is not None
    act.refused("alice", "notify daily 25:00", "notify_bad")
    reply = act.ok("alice", "notify daily 9:00").reply
    assert reply.text is not None and reply.text.params == {"at": "09:00"}
    act.ok("alice", "new Check the seals @pete")
    act.ok("pete", "ack 1 on it")
    act.ok("pete", "comment 1 seals ordered")
    assert rows_to(engine, "alice") == [("ack", "daily"), ("comment", "daily")]
    act.ok("pete", "done 1 replaced")  # a question for alice (verify it): at once, whatever she chose
    assert rows_to(engine, "alice")[-1] == ("done", "pending")

    recorder = Recorder(clock)
    worker = DeliveryWorker(engine, recorder, clock, config=CONFIG)
    worker.deliver_due()
    assert [m.origin.event for m in recorder.messages if m.origin.recipient == uid("alice")] == ["done"]
    for at in (NOW + timedelta(hours=6), THURSDAY_0905, THURSDAY_0905 + timedelta(hours=2)):
        clock.set(at)
        sweep(engine, now=at, default_tz="UTC")
        worker.deliver_due()
    summaries = [m for m in recorder.messages if m.origin.event == "daily"]
    assert len(summaries) == 1 and summaries[0].now == THURSDAY_0905
    body = summaries[0].body
    assert isinstance(body, Digest) and body.title.key == "n_daily"
    assert [(i.task.id, [r.key for r in i.reasons]) for i in body.items] == [(1, ["n_ack", "n_comment"])]
    assert body.items[0].reasons[1].params["actor"] == "pete"
    assert {s for _, s in rows_to(engine, "alice")} == {"sent", "gathered"}

    act.ok("alice", "notify instant")
    with Session(engine) as session:
        member = session.get(Member, uid("alice"))
        assert member is not None and member.notify_daily_at is None
    act.ok("pete", "comment 1 one more thing")
    assert rows_to(engine, "alice")[-1] == ("comment", "pending")


def test_bad_notify_input_changes_nothing(engine: Engine, clock: FixedClock) -> None:
    seed(engine, clock)
    before = counts(engine)
    Driver(engine, clock).refused("alice", "notify daily", "notify_bad")
    assert counts(engine) == before
