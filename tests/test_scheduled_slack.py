"""Scheduled messages through the real Slack adapter: the overdue reminder with its buttons, snoozing,
the weekly digest in a department's channel, and /task stats."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from handlers.clock import FixedClock
from storage.models import Task
from tests.fake_slack import FakeSlack
from tests.live import LiveBaton, eventually, sweep_until
from tests.slack_payloads import block_actions, button

NOW = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


@pytest.fixture
def live(file_engine_url: str, fake_slack: FakeSlack) -> Iterator[LiveBaton]:
    for user_id, name in (("U_ADMIN", "admin"), ("U_ALICE", "alice"), ("U_PETE", "pete"), ("U_PAUL", "paul")):
        fake_slack.add_user(user_id, name, tz="Asia/Shanghai", admin=user_id == "U_ADMIN")
    app = LiveBaton(file_engine_url, fake_slack, clock=FixedClock(NOW - timedelta(days=7)))
    app.reply_text("U_ADMIN", "dept add sales lead <@U_ALICE|alice> tz Asia/Shanghai country CN")
    app.reply_text(
        "U_ADMIN",
        "dept add production lead <@U_PETE|pete> channel <#C_PROD|prod> tz Asia/Shanghai country CN",
    )
    app.reply_text("U_ADMIN", "member <@U_PAUL|paul> production")
    yield app
    app.stop()


def run_until(live: LiveBaton, until: datetime) -> None:
    sweep_until(live.baton, until)


def test_overdue_reminder_lists_every_task_with_done_block_and_snooze(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    live.reply_text("U_ALICE", "new Order resin <@U_PAUL|paul> due:2026-11-10")
    live.reply_text("U_ALICE", "new Count stock <@U_PAUL|paul> due:2026-11-11")
    live.reply_text("U_PAUL", "ack 1")
    live.reply_text("U_PAUL", "ack 2")
    run_until(live, datetime(2026, 11, 11, 1, 15, tzinfo=UTC))  # Wed 09:15 Shanghai
    reminder = eventually(
        lambda: [c for c in fake_slack.dms_to("U_PAUL") if "overdue" in c.params["text"]],
        what="the overdue reminder",
    )[-1]
    assert reminder.params["text"] == "You have 1 overdue task:"  # T-2 is due tonight
    run_until(live, datetime(2026, 11, 12, 1, 15, tzinfo=UTC))  # Thursday 09:15
    # Paul's DM channel may be paced (over four messages in a second of real time): wait for it.
    reminder = eventually(
        lambda: [c for c in fake_slack.dms_to("U_PAUL") if c.params["text"] == "You have 2 overdue tasks:"],
        what="Thursday's overdue reminder",
    )[-1]
    actions = [
        e["action_id"] for b in reminder.params["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert actions == ["task_block", "task_done", "task_snooze"] * 2

    from sqlmodel import select

    from storage.models import OutboxMessage

    def recorded() -> tuple[str, str] | None:  # Slack has the DM; the worker records its ts just after
        with Session(live.baton.engine) as session:
            row = session.exec(select(OutboxMessage).where(OutboxMessage.event == "overdue")).all()[-1]
            return (row.sent_channel, row.sent_ts) if row.sent_channel and row.sent_ts else None

    channel, ts = eventually(recorded, what="Thursday's reminder's ts to be recorded")
    live.interact(block_actions("U_PAUL", button("task_snooze", "1"), channel=channel, message_ts=ts))
    with Session(live.baton.engine) as session:
        task = session.get(Task, 1)
        friday_nine = datetime(2026, 11, 13, 1, 0, tzinfo=UTC)  # snoozed on Thursday: until Friday 09:00
        assert task is not None and task.snoozed_until == friday_nine
    refreshed = eventually(
        lambda: [c for c in fake_slack.calls_to("chat.update") if c.params.get("ts") == ts],
        what="the reminder to update in place",
    )[-1]
    assert refreshed.params["text"] == "You have 1 overdue task:"  # the snoozed one dropped out


def test_weekly_digest_reaches_the_department_channel(live: LiveBaton, fake_slack: FakeSlack) -> None:
    live.reply_text("U_ALICE", "new Order resin <@U_PAUL|paul> due:2026-11-10")
    live.reply_text("U_PAUL", "done 1 ordered")
    live.reply_text("U_ALICE", "verify 1")
    live.reply_text("U_PETE", "new Buy gloves #sales due:2026-11-12")
    run_until(live, NOW + timedelta(minutes=15))
    digest = eventually(
        lambda: [
            c
            for c in fake_slack.calls_to("chat.postMessage")
            if c.params["channel"] == "C_PROD" and "Last week" in c.params["text"]
        ],
        what="the weekly digest",
    )
    assert len(digest) == 1
    text = json.dumps(digest[0].params["blocks"])
    assert "Done on time: 1 of 1 due" in text and "Verified by the requester: 1 of 1 done" in text
    assert "Waits most on: #sales (1)" in text
    stats = live.slash("U_PETE", "stats").json()
    assert "Done on time: 1 of 1 due" in json.dumps(stats["blocks"])
    assert live.reply_text("U_PETE", "stats 99") == "Write `/task stats [dept] [weeks]`, with 1 to 52 weeks."
