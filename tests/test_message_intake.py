"""Any message becomes a request, and its progress comes back in its thread (SPEC §8), end to end:
signed Slack events (`reaction_added`, `app_mention`, `message`) and presses into the real endpoint, the
fake Slack answering `conversations.history` and recording what Baton posts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from storage.models import Department, Task, TaskEvent
from tests.fake_slack import Call, FakeSlack
from tests.live import LiveBaton, eventually, sales_and_production
from tests.slack_payloads import block_actions, button, event, message_action, view_submission

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # Wednesday, 10:00 in Shanghai
PEOPLE = {
    "U_ADMIN": ("admin", "UTC", "en-US", True),
    "U_ALICE": ("alice", "Asia/Shanghai", "en-US", False),
    "U_PETE": ("pete", "Asia/Shanghai", "en-US", False),
    "U_PAUL": ("paul", "Asia/Shanghai", "en-US", False),
    "U_SAM": ("sam", "Asia/Shanghai", "en-US", False),
}
FLOOR = "C_FLOOR"
MSG = "1700000100.000100"
BOT = "UBOT"


@pytest.fixture
def live(file_engine_url: str, fake_slack: FakeSlack) -> Iterator[LiveBaton]:
    app = sales_and_production(file_engine_url, fake_slack, PEOPLE, now=NOW)
    yield app
    app.stop()


def tasks(live: LiveBaton) -> list[Task]:
    with Session(live.baton.engine) as session:
        return list(session.exec(select(Task).order_by(Task.id)).all())  # type: ignore[arg-type]


def history(live: LiveBaton, task_id: int = 1) -> list[TaskEvent]:
    with Session(live.baton.engine) as session:
        return list(session.exec(select(TaskEvent).where(TaskEvent.task_id == task_id)).all())


def in_thread(fake: FakeSlack, thread: str, channel: str = FLOOR) -> list[Call]:
    return [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.params.get("channel") == channel and c.params.get("thread_ts") == thread
    ]


def ephemerals(fake: FakeSlack, user_id: str) -> list[Call]:
    return [c for c in fake.calls_to("chat.postEphemeral") if c.params.get("user") == user_id]


def reaction(user_id: str, ts: str = MSG, *, name: str = "ticket", channel: str = FLOOR) -> dict[str, Any]:
    # As Slack sends it: the item only (no text), the reacting user, the message's author.
    return event(
        {
            "type": "reaction_added",
            "user": user_id,
            "reaction": name,
            "item_user": "U_SAM",
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": "1700000200.000200",
        }
    )


def mention(user_id: str, text: str, *, ts: str = MSG, thread_ts: str | None = None) -> dict[str, Any]:
    inner: dict[str, Any] = {
        "type": "app_mention",
        "user": user_id,
        "text": text,
        "ts": ts,
        "channel": FLOOR,
        "event_ts": ts,
        "client_msg_id": f"m-{ts}",
        "team": "T1",
    }
    if thread_ts:
        inner["thread_ts"] = thread_ts
    envelope = event(inner)
    envelope["authorizations"] = [
        {
            "enterprise_id": None,
            "team_id": "T1",
            "user_id": BOT,
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    return envelope


def message(user_id: str | None, text: str, *, ts: str, channel: str = FLOOR, **extra: Any) -> dict[str, Any]:
    inner: dict[str, Any] = {"type": "message", "text": text, "ts": ts, "channel": channel}
    inner["channel_type"] = "channel"
    if user_id:
        inner["user"] = user_id
    inner.update(extra)
    return event(inner)


def settle(live: LiveBaton, response: Any) -> None:
    assert response.status_code == 200, response.text
    live.settled()


# ---- reactions -------------------------------------------------------------------------------


def test_a_reaction_offers_privately_once_and_its_form_files_a_task_linked_to_the_message(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    fake_slack.add_message(FLOOR, MSG, "Gasket leaking on line 2 &amp; 3\nSeen twice today", user="U_SAM")
    settle(live, live.event(reaction("U_ALICE")))
    read = fake_slack.calls_to("conversations.history")[-1].params
    assert (read["channel"], read["latest"], str(read["limit"])) == (FLOOR, MSG, "1")
    offer = eventually(lambda: ephemerals(fake_slack, "U_ALICE"), what="the private offer")
    assert len(offer) == 1 and offer[0].params["channel"] == FLOOR
    blocks = json.dumps(offer[0].params["blocks"])
    assert "Gasket leaking on line 2 &amp; 3" in blocks and "intake_offer" in blocks

    # Reacting again (a new event), or with another emoji: no second offer.
    settle(live, live.event(reaction("U_ALICE")))
    settle(live, live.event(reaction("U_ALICE", name="thumbsup")))
    assert len(ephemerals(fake_slack, "U_ALICE")) == 1

    # Someone else pressing Alice's offer gets a private note, no form.
    value = next(
        e["value"] for b in offer[0].params["blocks"] if b["type"] == "actions" for e in b["elements"]
    )
    settle(live, live.interact(block_actions("U_PAUL", button("intake_offer", value), channel=FLOOR)))
    assert fake_slack.calls_to("views.open") == []
    assert "no longer available" in ephemerals(fake_slack, "U_PAUL")[-1].params["text"]

    live.interact(block_actions("U_ALICE", button("intake_offer", value), channel=FLOOR))
    form = eventually(lambda: fake_slack.calls_to("views.open"), what="the form")[-1].params["view"]
    fields = {b.get("block_id"): b for b in form["blocks"]}
    assert fields["title"]["element"]["initial_value"] == "Gasket leaking on line 2 & 3"
    assert json.loads(form["private_metadata"])["thread"] == MSG
    settle(
        live, live.interact(view_submission("U_ALICE", form, {"title": "Fix the gasket", "owner": "U_PAUL"}))
    )

    (task,) = tasks(live)
    assert (task.source_channel, task.source_thread, task.owner_id) == (FLOOR, MSG, "U_PAUL")
    assert task.source_link == f"https://app.slack.com/archives/{FLOOR}/p{MSG.replace('.', '')}"
    card = eventually(lambda: in_thread(fake_slack, MSG), what="the card in the message's thread")
    assert "Fix the gasket" in json.dumps(card[0].params["blocks"])


def test_a_reaction_to_a_reply_reads_it_from_its_thread(live: LiveBaton, fake_slack: FakeSlack) -> None:
    fake_slack.add_message(FLOOR, "1700000050.000100", "Line 2 status", user="U_SAM")
    reply = "1700000060.000100"
    fake_slack.add_message(FLOOR, reply, "The pump is noisy", user="U_SAM", thread_ts="1700000050.000100")
    settle(live, live.event(reaction("U_ALICE", reply)))
    assert fake_slack.calls_to("conversations.replies")
    offer = eventually(lambda: ephemerals(fake_slack, "U_ALICE"), what="the offer")[0]
    assert "The pump is noisy" in json.dumps(offer.params["blocks"])


# ---- mentions --------------------------------------------------------------------------------


def test_a_mention_files_a_task_that_answers_in_its_thread(live: LiveBaton, fake_slack: FakeSlack) -> None:
    text = f"<@{BOT}> Replace the gasket on line 2 <@U_PAUL|paul> due:friday !high"
    settle(live, live.event(mention("U_ALICE", text)))
    (task,) = tasks(live)
    assert (task.title, task.owner_id, task.priority, task.requester_id) == (
        "Replace the gasket on line 2",
        "U_PAUL",
        "high",
        "U_ALICE",
    )
    assert (task.source_channel, task.source_thread) == (FLOOR, MSG)
    assert task.due_at is not None and task.due_at.weekday() == 4
    card = eventually(lambda: in_thread(fake_slack, MSG), what="the card in the thread")
    assert "Replace the gasket on line 2" in json.dumps(card[0].params["blocks"])
    eventually(lambda: fake_slack.dms_to("U_PAUL"), what="the owner's DM")

    # The same message delivered again (Slack's retry under another event id) files nothing more.
    settle(live, live.event(mention("U_ALICE", text)))
    assert len(tasks(live)) == 1


def test_a_mention_without_a_title_gets_the_usage_in_its_thread(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    settle(live, live.event(mention("U_ALICE", f"<@{BOT}> <@U_PAUL|paul>")))
    usage = eventually(lambda: in_thread(fake_slack, MSG), what="the usage in the thread")
    assert "mention me with a title" in usage[0].params["text"]
    # In the language of the person it answers.
    fake_slack.add_user("U_LI", "li", tz="Asia/Shanghai", locale="zh-CN")
    settle(live, live.event(mention("U_LI", f"<@{BOT}>", ts="1700000600.000100")))
    usage = eventually(lambda: in_thread(fake_slack, "1700000600.000100"), what="the usage in Chinese")
    assert "要创建任务" in usage[0].params["text"]
    assert tasks(live) == []


def test_a_mention_with_bad_input_gets_a_private_reply_and_stores_nothing(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    settle(live, live.event(mention("U_ALICE", f"<@{BOT}> Fix it <@U_PAUL|paul> due:blursday")))
    note = eventually(lambda: ephemerals(fake_slack, "U_ALICE"), what="the private reply")
    assert "blursday" in note[0].params["text"]
    assert tasks(live) == [] and in_thread(fake_slack, MSG) == []


# ---- intake channels -------------------------------------------------------------------------


def test_posts_in_an_intake_channel_become_the_departments_tasks(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    assert "updated" in live.reply_text("U_ADMIN", f"dept set production intake <#{FLOOR}|floor>")
    with Session(live.baton.engine) as session:
        dept = session.exec(select(Department).where(Department.name == "production")).one()
        assert dept.intake_channel_id == FLOOR

    settle(
        live, live.event(message("U_SAM", "Conveyor 4 stopped\nIt stops every hour.\nPlease check.", ts=MSG))
    )
    (task,) = tasks(live)
    assert (task.title, task.details) == ("Conveyor 4 stopped", "It stops every hour.\nPlease check.")
    assert (task.owner_id, task.requester_id, task.source_thread) == ("U_PETE", "U_SAM", MSG)
    eventually(lambda: in_thread(fake_slack, MSG), what="the card in the post's thread")

    ignored = [
        message(None, "A bot says hi", ts="1700000201.000100", bot_id="B1", subtype="bot_message"),
        message("U_BOTUSER", "An app's post", ts="1700000202.000100", bot_id="B2"),
        message(
            None,
            "edited",
            ts="1700000203.000100",
            subtype="message_changed",
            message={"type": "message", "user": "U_SAM", "text": "Conveyor 5", "ts": "1700000204.000100"},
        ),
        message("U_PAUL", "<@U_PAUL> has joined the channel", ts="1700000205.000100", subtype="channel_join"),
        message("U_SAM", "A reply in some thread", ts="1700000206.000100", thread_ts="1700000150.000100"),
        message("U_SAM", "Not an intake channel", ts="1700000207.000100", channel="C_OTHER"),
    ]
    for envelope in ignored:
        settle(live, live.event(envelope))
    assert len(tasks(live)) == 1

    # A mention in the intake channel arrives twice (app_mention and message): one task.
    ts = "1700000300.000100"
    text = f"<@{BOT}> Oil the press <@U_PAUL|paul>"
    settle(live, live.event(mention("U_SAM", text, ts=ts)))
    settle(live, live.event(message("U_SAM", text, ts=ts)))
    assert [t.title for t in tasks(live)] == ["Conveyor 4 stopped", "Oil the press"]

    assert "updated" in live.reply_text("U_ADMIN", "dept set production intake off")
    settle(live, live.event(message("U_SAM", "After it was turned off", ts="1700000400.000100")))
    assert len(tasks(live)) == 2


def test_setting_an_intake_channel_is_for_admins_and_checks_its_input(live: LiveBaton) -> None:
    assert "admin" in live.reply_text("U_SAM", f"dept set production intake <#{FLOOR}|floor>").lower()
    assert "channel" in live.reply_text("U_ADMIN", "dept set production intake floor!").lower()
    with Session(live.baton.engine) as session:
        assert all(d.intake_channel_id is None for d in session.exec(select(Department)).all())


# ---- progress in the thread ------------------------------------------------------------------


def test_each_change_of_state_is_posted_once_in_the_thread(live: LiveBaton, fake_slack: FakeSlack) -> None:
    settle(live, live.event(mention("U_ALICE", f"<@{BOT}> Replace the gasket <@U_PAUL|paul>")))
    eventually(lambda: in_thread(fake_slack, MSG), what="the card")
    steps = [
        ("U_PAUL", "ack 1", "acknowledged T-1"),
        ("U_PAUL", "block 1 waiting for parts", "is blocked"),
        ("U_PAUL", "start 1", None),  # starting only updates the card
        ("U_PAUL", "done 1", "finished T-1"),
        ("U_ALICE", "reopen 1 still leaks", "reopened T-1"),
        ("U_PETE", "assign 1 <@U_PETE|pete>", "is now with @pete"),
        ("U_ALICE", "due 1 2026-11-27", "is now due"),
        ("U_PETE", "done 1", "finished T-1"),
        ("U_ALICE", "verify 1", "verified T-1"),
    ]
    expected: list[str] = []
    for who, command, posted in steps:
        live.reply_text(who, command, channel="C_ELSEWHERE")
        live.settled()
        if posted:
            expected.append(posted)
        posts = [c.params["text"] for c in in_thread(fake_slack, MSG)[1:]]  # after the card
        assert len(posts) == len(expected), (command, posts)
        assert all(e in p for e, p in zip(expected, posts, strict=True)), posts
    assert "waiting for parts" in json.dumps(in_thread(fake_slack, MSG)[2].params["blocks"])
    # The card itself is updated in place, not posted again.
    assert (
        len(
            [
                c
                for c in in_thread(fake_slack, MSG)
                if "blocks" in c.params and "task_" in json.dumps(c.params)
            ]
        )
        >= 1
    )
    assert fake_slack.calls_to("chat.update")


def test_a_reply_in_the_thread_from_the_owner_or_requester_is_a_comment(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    settle(live, live.event(mention("U_ALICE", f"<@{BOT}> Replace the gasket <@U_PAUL|paul>")))
    replies = [
        ("U_PAUL", "Parts arrive Friday", "1700000500.000100"),
        ("U_SAM", "I have an opinion too", "1700000501.000100"),  # a stranger: not a comment
        ("U_ALICE", "Thanks <@U_PAUL|paul>!", "1700000502.000100"),
    ]
    for who, text, ts in replies:
        settle(live, live.event(message(who, text, ts=ts, thread_ts=MSG)))
    # Slack retries a delivery under a new event id: still one comment.
    settle(live, live.event(message("U_PAUL", "Parts arrive Friday", ts="1700000500.000100", thread_ts=MSG)))
    # Baton's own posts in the thread are never comments.
    settle(live, live.event(message(None, "T-1 card", ts="1700000503.000100", thread_ts=MSG, bot_id="BBOT")))
    comments = [(e.actor_id, e.note) for e in history(live) if e.action == "comment"]
    assert comments == [("U_PAUL", "Parts arrive Friday"), ("U_ALICE", "Thanks @paul!")]
    eventually(
        lambda: any("commented" in c.params.get("text", "") for c in fake_slack.dms_to("U_ALICE")),
        what="the requester told of the owner's comment",
    )


def test_the_message_shortcut_answers_in_the_messages_thread(live: LiveBaton, fake_slack: FakeSlack) -> None:
    live.interact(message_action("U_ALICE", channel=FLOOR, text="Seals leaking", ts=MSG))
    form = eventually(lambda: fake_slack.calls_to("views.open"), what="the form")[-1].params["view"]
    settle(
        live, live.interact(view_submission("U_ALICE", form, {"title": "Seals leaking", "owner": "U_PAUL"}))
    )
    eventually(lambda: in_thread(fake_slack, MSG), what="the card in the thread")
    live.reply_text("U_PAUL", "ack 1")
    live.settled()
    assert "acknowledged T-1" in in_thread(fake_slack, MSG)[-1].params["text"]


def test_a_post_in_a_private_intake_channel_files_a_private_task(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    live.reply_text("U_ADMIN", "dept set production intake <#C_QUIET|quiet>")
    settle(
        live, live.event(message("U_SAM", "Salary question", ts=MSG, channel="C_QUIET", channel_type="group"))
    )
    (task,) = tasks(live)
    assert task.private and task.source_channel == "C_QUIET"
    assert "T-1" not in live.reply_text("U_PAUL", "list all")  # not even listed to those not involved
