"""The app's Messages tab: a direct message to the bot is a command, answered in the same DM."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count
from typing import Any

import pytest
from sqlmodel import Session, select

from handlers.clock import FixedClock
from storage.models import StandupRun, Task
from tests.fake_slack import Call, FakeSlack
from tests.live import LiveBaton, eventually
from tests.slack_payloads import event

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
DM = "D_PAUL"
_ts = count(1)


@pytest.fixture
def live(file_engine_url: str, fake_slack: FakeSlack) -> Iterator[LiveBaton]:
    for user_id, name in (("U_ADMIN", "admin"), ("U_PETE", "pete"), ("U_PAUL", "paul")):
        fake_slack.add_user(user_id, name, tz="Asia/Shanghai", admin=user_id == "U_ADMIN")
    app = LiveBaton(file_engine_url, fake_slack, clock=FixedClock(START))
    app.reply_text("U_ADMIN", "dept add production lead <@U_PETE|pete> channel <#C_PROD|prod>")
    app.reply_text("U_ADMIN", "member <@U_PAUL|paul> production")
    yield app
    app.stop()


def dm(live: LiveBaton, text: str, **extra: Any) -> None:
    inner = {
        "type": "message",
        "channel": DM,
        "channel_type": "im",
        "user": "U_PAUL",
        "text": text,
        "ts": f"1700000{next(_ts):03d}.000100",
        **extra,
    }
    assert live.event(event(inner)).status_code == 200


def answers_in_dm(fake: FakeSlack) -> list[Call]:
    return [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == DM]


def tasks(live: LiveBaton) -> list[Task]:
    with Session(live.baton.engine) as session:
        return list(session.exec(select(Task)).all())


@pytest.mark.parametrize(
    "typed",
    ["/task new Oil the press <@U_PETE>", "task new Oil the press <@U_PETE>", "new Oil the press <@U_PETE>"],
)
def test_a_command_in_a_dm_runs_and_is_answered_there(
    live: LiveBaton, fake_slack: FakeSlack, typed: str
) -> None:
    dm(live, typed)
    reply = eventually(lambda: answers_in_dm(fake_slack), what="the answer in the DM")[0]
    assert "Filed T-1 for @pete" in reply.params["text"]
    [task] = tasks(live)
    assert (task.title, task.owner_id, task.requester_id) == ("Oil the press", "U_PETE", "U_PAUL")


def test_a_standup_command_in_a_dm_runs_too(live: LiveBaton, fake_slack: FakeSlack) -> None:
    live.reply_text("U_PETE", "setup at 9 tz Asia/Shanghai", channel="C_PROD", command="/standup")
    live.reply_text("U_PETE", "add <@U_PAUL|paul>", channel="C_PROD", command="/standup")
    live.reply_text("U_PETE", "now", channel="C_PROD", command="/standup")
    dm(live, "standup answer fixed the press | oil the line | none")
    reply = eventually(lambda: answers_in_dm(fake_slack), what="the answer in the DM")[0]
    assert "your answer is in the stand-up thread" in reply.params["text"]
    with Session(live.baton.engine) as session:
        assert session.exec(select(StandupRun)).one() is not None


def test_a_refusal_in_a_dm_is_answered_there_and_stores_nothing(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    dm(live, "task ack 99")
    reply = eventually(lambda: answers_in_dm(fake_slack), what="the refusal")[0]
    assert "T-99" in reply.params["text"]
    assert tasks(live) == []


def test_anything_else_in_a_dm_gets_a_short_help(live: LiveBaton, fake_slack: FakeSlack) -> None:
    dm(live, "hello there, can you help?")
    reply = eventually(lambda: answers_in_dm(fake_slack), what="the help")[0]
    assert "`/task`" in reply.params["text"] and "`help`" in reply.params["text"]
    assert tasks(live) == []


def test_bot_messages_edits_and_its_own_replies_are_not_commands(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    dm(live, "new From a bot <@U_PETE>", bot_id="B_OTHER", subtype="bot_message")
    dm(live, "new Its own echo <@U_PETE>", bot_id="BBOT")
    dm(live, "new An edit <@U_PETE>", subtype="message_changed")
    dm(live, "new The real one <@U_PETE>")  # then one that counts: by now the others were handled
    eventually(lambda: answers_in_dm(fake_slack), what="the answer to the real one")
    assert [t.title for t in tasks(live)] == ["The real one"]
    assert len(answers_in_dm(fake_slack)) == 1
