"""Stand-up answers as Slack delivers them: thread_broadcast and file_share replies count, several replies
gather, an edit updates, a deletion removes (unless the form or command was used); labels split a reply."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from handlers.clock import FixedClock
from handlers.standup_replies import split_labels
from storage.models import StandupAnswer, StandupRun
from tests.fake_slack import FakeSlack
from tests.live import LiveBaton, eventually, sweep_until
from tests.slack_payloads import event

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Done: gauge 4\nToday: line 3\nBlockers: no resin", ("gauge 4", "line 3", "no resin")),
        ("yesterday - x", None),
        ("YESTERDAY: a. planned: b. blocker: c", ("a.", "b.", "c")),
        ("昨天：修好了\n今天：校准\n阻塞：缺树脂", ("修好了", "校准", "缺树脂")),
        ("*Done:* a\n卡点: b", ("a", "", "b")),
        ("fixed it\n需要支持：采购", ("fixed it", "", "采购")),
        ("Today: only plans", ("", "only plans", "")),
    ],
)
def test_labels_split_a_reply_into_its_three_parts(text: str, parts: tuple[str, str, str] | None) -> None:
    assert split_labels(text) == parts


@pytest.fixture
def live(file_engine_url: str, fake_slack: FakeSlack) -> Iterator[LiveBaton]:
    for user_id, name in (("U_ADMIN", "admin"), ("U_PETE", "pete"), ("U_PAUL", "paul"), ("U_RITA", "rita")):
        fake_slack.add_user(user_id, name, tz="Asia/Shanghai", admin=user_id == "U_ADMIN")
    app = LiveBaton(file_engine_url, fake_slack, clock=FixedClock(START))
    app.reply_text(
        "U_ADMIN", "dept add production lead <@U_PETE|pete> channel <#C_PROD|prod> tz Asia/Shanghai"
    )
    app.reply_text("U_ADMIN", "member <@U_PAUL|paul> production")
    app.reply_text("U_PETE", "setup at 09:30", channel="C_PROD", command="/standup")
    app.reply_text("U_PETE", "add <@U_PAUL|paul>", channel="C_PROD", command="/standup")
    advance(app, 30)  # 09:30: the thread opens
    yield app
    app.stop()


def advance(live: LiveBaton, minutes: int) -> None:
    sweep_until(live.baton, live.baton.clock() + timedelta(minutes=minutes))


def thread_of(live: LiveBaton) -> str:
    def opened() -> str | None:
        with Session(live.baton.engine) as session:
            return session.exec(select(StandupRun)).one().thread

    return str(eventually(opened, what="the stand-up thread"))


def answers(live: LiveBaton) -> dict[str, tuple[str, str, str]]:
    with Session(live.baton.engine) as session:
        return {a.user_id: (a.done, a.planned, a.blockers) for a in session.exec(select(StandupAnswer)).all()}


def send(live: LiveBaton, inner: dict[str, Any]) -> None:
    assert live.event(event({"channel": "C_PROD", "channel_type": "channel", **inner})).status_code == 200


def reply(user: str, text: str, ts: str, thread: str, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": ts, "thread_ts": thread, **extra}


def test_broadcast_and_file_replies_gather_and_edits_and_deletions_follow(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    thread = thread_of(live)
    # "Also send to channel": Slack sends subtype thread_broadcast, with the thread's root attached.
    send(
        live,
        reply(
            "U_PAUL",
            "*Done:* fixed gauge 4",
            "1700000100.000100",
            thread,
            subtype="thread_broadcast",
            root={},
        ),
    )
    # A reply with a photo: subtype file_share, the files listed.
    send(
        live,
        reply(
            "U_PAUL",
            "Blockers: no resin, see photo",
            "1700000200.000100",
            thread,
            subtype="file_share",
            files=[{"id": "F1", "name": "resin.jpg", "mimetype": "image/jpeg"}],
            upload=False,
        ),
    )
    send(live, reply("U_PETE", "all good", "1700000300.000100", thread))
    assert answers(live) == {
        "U_PAUL": ("fixed gauge 4", "", "no resin, see photo"),
        "U_PETE": ("all good", "", ""),
    }

    # pete edits his reply: Slack sends message_changed with the new message inside.
    send(
        live,
        {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "ts": "1700000400.000100",
            "message": {
                **reply("U_PETE", "all good. Today: audit line 2", "1700000300.000100", thread),
                "edited": {"user": "U_PETE", "ts": "1700000400.000000"},
            },
            "previous_message": reply("U_PETE", "all good", "1700000300.000100", thread),
        },
    )
    assert answers(live)["U_PETE"] == ("all good.", "audit line 2", "")

    # ... then deletes it: message_deleted names the deleted ts; his answer goes with it.
    send(
        live,
        {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "ts": "1700000500.000100",
            "deleted_ts": "1700000300.000100",
            "previous_message": reply("U_PETE", "all good. Today: audit line 2", "1700000300.000100", thread),
        },
    )
    assert "U_PETE" not in answers(live)

    advance(live, 120)  # 11:30: the summary names paul's blocker, with its Create task button
    summary = eventually(
        lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params.get("reply_broadcast")],
        what="the summary",
    )[0]
    blocks = json.dumps(summary.params["blocks"])
    assert "1 of 2 answered" in blocks and "no resin, see photo" in blocks and "standup_blocker" in blocks


def test_an_answer_by_command_stands_when_a_reply_is_deleted(live: LiveBaton) -> None:
    thread = thread_of(live)
    send(live, reply("U_PAUL", "fixed gauge 4", "1700000100.000100", thread))
    live.reply_text("U_PAUL", "answer gauge 4 | line 3 | none", channel="C_PROD", command="/standup")
    send(
        live,
        {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "ts": "1700000500.000100",
            "deleted_ts": "1700000100.000100",
            "previous_message": reply("U_PAUL", "fixed gauge 4", "1700000100.000100", thread),
        },
    )
    send(live, reply("U_PAUL", "one more thing", "1700000600.000100", thread))
    assert answers(live) == {"U_PAUL": ("gauge 4", "line 3", "none")}


def test_replies_from_others_bots_and_the_thread_itself_are_not_answers(live: LiveBaton) -> None:
    thread = thread_of(live)
    send(live, reply("U_RITA", "not in this stand-up", "1700000100.000100", thread))  # not a participant
    send(live, reply("U_PAUL", "from a bot", "1700000200.000100", thread, bot_id="B1"))
    send(live, reply("U_PAUL", "the parent", thread, thread))
    send(
        live, {"type": "message", "subtype": "channel_join", "user": "U_PAUL", "text": "joined", "ts": "3.1"}
    )
    assert answers(live) == {}
