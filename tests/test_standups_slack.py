"""Stand-ups through Slack: setup, the thread, the Answer form, a plain thread reply, the summary,
a blocker turned into a task, the report — and refusals that change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from handlers.clock import FixedClock
from storage.models import StandupRun
from tests.company import counts
from tests.fake_slack import FakeSlack
from tests.live import LiveBaton, eventually, sweep_until
from tests.slack_payloads import block_actions, button, event, view_submission

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


@pytest.fixture
def live(file_engine_url: str, fake_slack: FakeSlack) -> Iterator[LiveBaton]:
    for user_id, name in (("U_ADMIN", "admin"), ("U_PETE", "pete"), ("U_PAUL", "paul"), ("U_RITA", "rita")):
        fake_slack.add_user(user_id, name, tz="Asia/Shanghai", admin=user_id == "U_ADMIN")
    app = LiveBaton(file_engine_url, fake_slack, clock=FixedClock(START))
    app.reply_text(
        "U_ADMIN", "dept add production lead <@U_PETE|pete> channel <#C_PROD|prod> tz Asia/Shanghai"
    )
    app.reply_text("U_ADMIN", "dept add procurement lead <@U_RITA|rita>")
    app.reply_text("U_ADMIN", "member <@U_PAUL|paul> production")
    yield app
    app.stop()


def advance(live: LiveBaton, minutes: int) -> None:
    sweep_until(live.baton, live.baton.clock() + timedelta(minutes=minutes))


def test_a_stand_up_day_through_slack(live: LiveBaton, fake_slack: FakeSlack) -> None:
    reply = live.reply_text(
        "U_PETE", "setup at 09:30 days mon-fri country CN", channel="C_PROD", command="/standup"
    )
    assert (
        reply
        == "Stand-up set for <#C_PROD> at 09:30 (Asia/Shanghai), Mon, Tue, Wed, Thu, Fri, closing at 11:30."
    )
    assert (
        live.reply_text("U_PETE", "add <@U_PAUL|paul>", channel="C_PROD", command="/standup")
        == "@paul now takes part."
    )
    advance(live, 30)  # 09:30: the thread opens and everyone is asked
    parent = eventually(
        lambda: [
            c
            for c in fake_slack.calls_to("chat.postMessage")
            if c.params["channel"] == "C_PROD" and "Stand-up for" in c.params["text"]
        ],
        what="the thread parent",
    )[0]
    prompt = eventually(
        lambda: [c for c in fake_slack.dms_to("U_PAUL") if "Stand-up in" in c.params["text"]],
        what="paul's prompt",
    )[0]
    answer_button = [e for b in prompt.params["blocks"] if b["type"] == "actions" for e in b["elements"]][0]

    live.interact(
        block_actions(
            "U_PAUL", button("standup_answer", answer_button["value"]), channel="D1", message_ts="1.1"
        )
    )
    form = eventually(
        lambda: [
            c for c in fake_slack.calls_to("views.open") if c.params["view"]["callback_id"] == "baton_standup"
        ],
        what="the form",
    )[0]
    live.interact(
        view_submission(
            "U_PAUL",
            form.params["view"],
            {
                "done": "fixed gauge 4",
                "planned": "calibrate line 3",
                "blockers": "no resin",
                "unblock_dept": "procurement",
            },
        )
    )
    posted = eventually(
        lambda: [
            c
            for c in fake_slack.calls_to("chat.postMessage")
            if c.params.get("thread_ts") and "fixed gauge 4" in c.params["text"]
        ],
        what="paul's answer in the thread",
    )[0]
    thread_ts = posted.params["thread_ts"]
    with Session(live.baton.engine) as session:
        run = session.exec(select(StandupRun)).one()
        assert run.thread == thread_ts  # the answer went under the thread parent the bot posted
    assert parent.params["channel"] == "C_PROD"

    # pete answers with a plain reply in the thread: it counts.
    live.event(
        event(
            {
                "type": "message",
                "channel": "C_PROD",
                "user": "U_PETE",
                "text": "all good here",
                "ts": "1700000100.000200",
                "thread_ts": thread_ts,
            }
        )
    )
    advance(live, 120)  # 11:30: the summary
    summary = eventually(
        lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params.get("reply_broadcast")],
        what="the summary",
    )[0]
    text = json.dumps(summary.params["blocks"])
    assert "2 of 2 answered" in text and "no resin" in text and "#procurement" in text
    blocker_button = [b["accessory"] for b in summary.params["blocks"] if b.get("accessory")][0]
    live.interact(
        block_actions(
            "U_PETE", button("standup_blocker", blocker_button["value"]), channel="C_PROD", message_ts="2.2"
        )
    )
    task_form = eventually(
        lambda: [
            c
            for c in fake_slack.calls_to("views.open")
            if c.params["view"]["callback_id"] == "baton_new_task"
        ],
        what="the task form",
    )
    blocks = {b.get("block_id"): b for b in task_form[0].params["view"]["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "no resin"
    assert blocks["dept"]["element"]["initial_option"]["value"] == "procurement"
    report = live.slash("U_PAUL", "report today", channel="C_PROD", command="/standup").json()
    assert "2 of 2 answered" in json.dumps(report["blocks"])


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("setup at 25:00", "`25:00` is not a time. Write it like `09:30`, `9` or `9:30am`."),
        ("setup at 09:00 days funday", "`funday` are not days. Write `mon-fri` or `mon,wed,fri`."),
        ("setup at 09:00 close 08:00", "The stand-up must close after it opens."),
        ("setup at 09:00 tz Mars/Base", "`Mars/Base` is not a time zone."),
        ("join", "There is no stand-up in this channel. Start one: `/standup setup at 09:30`."),
        ("dance", "I don't know `/standup dance`. Try `/standup help`."),
        ("answer", "Write `/standup answer what you did | what you'll do | what blocks you @who`."),
    ],
)
def test_standup_refusals_are_private_and_change_nothing(
    live: LiveBaton, command: str, expected: str
) -> None:
    before = counts(live.baton.engine)
    assert live.reply_text("U_PAUL", command, channel="C_OTHER", command="/standup").startswith(expected)
    assert counts(live.baton.engine) == before


def test_only_the_setter_or_an_admin_may_change_or_stop_it(live: LiveBaton) -> None:
    live.reply_text("U_PETE", "setup at 09:30", channel="C_PROD", command="/standup")
    refusal = "Only whoever set up this stand-up, or an admin, may change it."
    assert live.reply_text("U_PAUL", "stop", channel="C_PROD", command="/standup") == refusal
    assert (
        live.reply_text("U_PAUL", "away <@U_PETE|pete> until tomorrow", channel="C_PROD", command="/standup")
        == refusal
    )
    assert live.reply_text("U_ADMIN", "stop", channel="C_PROD", command="/standup") == "Stand-up stopped."
