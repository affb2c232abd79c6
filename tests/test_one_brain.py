"""One brain, many mouths: the same scenario delivered through the console and through Slack gives both
senders the same typed messages; each only renders and posts them."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from bot.app import web_client
from bot.console_sender import ConsoleSender
from bot.settings import Settings
from bot.slack.sender import SlackSender
from handlers.clock import FixedClock
from handlers.outgoing import Card, Digest, Landed, Notice, Outgoing, StandupOpening, StandupPrompt
from handlers.ports import Sender
from handlers.runner import Here, Runner
from scheduler.delivery import DeliveryWorker
from scheduler.sweep import sweep
from storage import migrate
from storage.db import make_engine
from tests.company import CONFIG, Driver, seed, uid
from tests.conftest import NOW
from tests.fake_slack import FakeSlack

THURSDAY_LATE_MORNING = datetime(2026, 11, 20, 3, 30, tzinfo=UTC)  # 11:30 in Shanghai, T-1 is overdue


class Tee:
    """Records each typed message, then hands it to the real sender."""

    def __init__(self, inner: Sender) -> None:
        self.inner = inner
        self.messages: list[Outgoing] = []

    def deliver(self, message: Outgoing) -> Landed | None:
        self.messages.append(message)
        return self.inner.deliver(message)


def standup(engine: Engine, clock: FixedClock, who: str, text: str) -> None:
    runner = Runner(engine, CONFIG, clock)
    outcome = runner.standup(runner.identify(uid(who), who), text, Here(channel_id="C_SALES"))
    assert outcome.ok, outcome.reply.text


def scenario(sender: Sender) -> list[Outgoing]:
    """File, acknowledge, an overdue digest and a stand-up day, on a fresh database."""
    engine = make_engine("sqlite://")
    migrate.upgrade(engine)
    clock = FixedClock(NOW)
    seed(engine, clock)
    tee = Tee(sender)
    worker = DeliveryWorker(engine, tee, clock, config=CONFIG)
    act = Driver(engine, clock)
    act.ok("alice", "new Check the seals on line 3 @pete due:2026-11-19")
    act.ok("pete", "ack 1")
    standup(engine, clock, "alice", "setup at 11:00 tz Asia/Shanghai")
    standup(engine, clock, "alice", "add @sam @alice")
    worker.deliver_due()
    clock.set(THURSDAY_LATE_MORNING)
    sweep(engine, now=clock(), default_tz="UTC")
    worker.deliver_due()
    standup(engine, clock, "sam", "answer checked the seals | order resin | none")
    worker.deliver_due()
    engine.dispose()
    return tee.messages


def comparable(message: Outgoing) -> Outgoing:
    """The message less what only its platform knows: the ids of earlier messages and threads."""
    where = replace(
        message.where,
        update="earlier" if message.where.update else None,
        thread="thread" if message.where.thread else None,
        conversation=message.where.conversation,
    )
    return replace(message, where=where)


def test_console_and_slack_senders_receive_the_same_typed_messages(fake_slack: FakeSlack) -> None:
    for name in ("alice", "sam", "pete", "paul"):
        fake_slack.add_user(uid(name), name, tz="Asia/Shanghai")
    out = io.StringIO()
    console = ConsoleSender(out)
    through_console = scenario(console)
    console.flush()

    settings = Settings(SLACK_BOT_TOKEN="xoxb-t", SLACK_API_URL=fake_slack.url)  # type: ignore[call-arg]
    through_slack = scenario(SlackSender(web_client(settings)))

    assert [comparable(m) for m in through_console] == [comparable(m) for m in through_slack]
    kinds = {type(m.body) for m in through_console}
    assert {Notice, Card, Digest, StandupOpening, StandupPrompt} <= kinds
    # Pete reads his overdue digest with the moves he may make on each task, in his language and zone.
    digest = next(m for m in through_console if isinstance(m.body, Digest))
    assert digest.reader.user_id == uid("pete") and digest.reader.tz.key == "Asia/Shanghai"
    assert [(i.task.id, i.moves, i.snooze) for i in digest.body.items] == [(1, ("block", "done"), True)]

    # Each mouth said it its own way.
    printed = out.getvalue()
    assert "[DM → @pete] @alice asked you to do T-1" in printed
    assert "[DM → @pete] You have 1 overdue task" in printed
    assert "[C_SALES] Stand-up for" in printed
    posted = fake_slack.messages()
    assert any(c.params.get("channel") == "C_SALES" and "Stand-up for" in c.params["text"] for c in posted)
    overdue = [c for c in fake_slack.dms_to(uid("pete")) if "overdue" in c.params["text"]]
    assert len(overdue) == 1 and "task_snooze" in str(overdue[0].params["blocks"])
