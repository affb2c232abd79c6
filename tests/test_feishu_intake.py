"""Intake on Feishu / Lark (SPEC §8), end to end through signed events and the fake Open Platform: the intake
reaction offers a private card whose button opens the New task form filled from the message; `@Baton
<title>` files a task in the message's topic; `/task dept set <name> intake here` makes a group an intake
group whose top-level posts become tasks; each change of state is posted once in the topic, and the owner's
or requester's topic replies become comments. Stored rows and sent calls are asserted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.feishu import ids
from handlers.clock import FixedClock
from storage.models import Department, OutboxMessage, Task, TaskEvent
from tests import feishu_payloads as fp
from tests.company import counts
from tests.fake_feishu import FakeFeishu
from tests.live_feishu import LiveFeishu
from tests.test_feishu_end_to_end import ADMIN, ALICE, NOW, PAUL, PETE, SAM, moves, setup_company, task
from tests.test_feishu_end_to_end import fake as fake  # noqa: F401  (a fixture)

EMOJI = "Pin"


@pytest.fixture
def live(file_engine_url: str, fake: FakeFeishu) -> Iterator[LiveFeishu]:  # noqa: F811
    app = LiveFeishu(file_engine_url, fake, clock=FixedClock(NOW), mode="http")
    setup_company(app)
    yield app
    app.stop()


def tasks(live: LiveFeishu) -> list[Task]:
    with Session(live.baton.engine) as session:
        return list(session.exec(select(Task).order_by(Task.id)))  # type: ignore[arg-type]


def in_topic(live: LiveFeishu, message_id: str) -> list[str]:
    """The cards Baton replied in a message's topic, as JSON text."""
    return [
        json.dumps(json.loads(c.body["content"]), ensure_ascii=False)
        for c in live.fake.calls_to("reply")
        if c.path_id == message_id and c.body.get("reply_in_thread")
    ]


def offers_to(live: LiveFeishu, open_id: str) -> list[dict[str, Any]]:
    return [
        card
        for who, card in live.fake.cards("ephemeral") + live.fake.cards("send")
        if who == open_id and ids.INTAKE_OFFER_ACTION in json.dumps(card)
    ]


def callback_values(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button's callback value in a card, nested containers included."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for behavior in node.get("behaviors") or []:
                if behavior.get("type") == "callback":
                    found.append(behavior["value"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card)
    return found


def comments(live: LiveFeishu, task_id: int = 1) -> list[str]:
    with Session(live.baton.engine) as session:
        rows = session.exec(
            select(TaskEvent).where(TaskEvent.task_id == task_id, TaskEvent.action == "comment")
        )
        return [r.note or "" for r in rows]


# -- 1. the reaction, the offer, the form --------------------------------------------------------------


def test_the_intake_reaction_offers_once_and_the_form_files_the_task_linked(live: LiveFeishu) -> None:
    live.fake.add_message("om_ask", "The dryer on line 2 is leaking\nsince this morning", sender=SAM)
    live.event(fp.reaction("THUMBSUP", message_id="om_ask", operator=PETE))  # agreeing: no offer
    live.event(fp.reaction(EMOJI, message_id="om_ask", operator=PETE, operator_type="app"))  # a bot: none
    live.event(fp.reaction(EMOJI, message_id="om_ask", operator=PETE))
    live.event(fp.reaction(EMOJI, message_id="om_ask", operator=PETE))  # reacting twice offers once
    live.settled()
    offers = offers_to(live, PETE)
    assert len(offers) == 1
    assert "The dryer on line 2 is leaking" in json.dumps(offers[0], ensure_ascii=False)
    assert [c.path_id for c in live.fake.calls_to("get_message")] == ["om_ask", "om_ask"]
    [value] = [v for v in callback_values(offers[0]) if v[ids.ACTION_KEY] == ids.INTAKE_OFFER_ACTION]
    assert value == {"a": ids.INTAKE_OFFER_ACTION, "channel": "fs:oc_group1", "message": "fs:om_ask"}

    # Someone else pressing it: a private note, nothing opened.
    gone = live.press(SAM, value)
    assert gone["toast"]["type"] == "warning" and "card" not in gone
    live.settled()
    assert "react to the message again" in live.last_private(SAM)

    opened = live.press(PETE, value)
    form = opened["card"]["data"]
    text = json.dumps(form, ensure_ascii=False)
    assert '"default_value": "The dryer on line 2 is leaking"' in text and "since this morning" in text
    [submit] = [v for v in callback_values(form) if v[ids.ACTION_KEY] == ids.FORM_SUBMIT_ACTION]
    assert submit["thread"] == "fs:om_ask" and "openChatId=oc_group1" in submit["link"]
    assert tasks(live) == []  # opening the form files nothing

    done = live.press(
        PETE,
        submit,
        form_value={ids.FIELD_TITLE: "The dryer on line 2 is leaking", ids.FIELD_OWNER: PAUL},
    )
    assert done["toast"]["type"] == "success", done
    filed = task(live)
    assert (filed.title, filed.owner_id, filed.requester_id) == (
        "The dryer on line 2 is leaking",
        "fs:ou_paul",
        "fs:ou_pete",
    )
    assert (filed.source_channel, filed.source_thread) == ("fs:oc_group1", "fs:om_ask")
    assert filed.source_link and "openChatId=oc_group1" in filed.source_link
    live.settled()
    assert any("T-1" in card for card in in_topic(live, "om_ask"))  # the card, in the message's topic


def test_a_reaction_on_a_topic_reply_files_into_that_topic(live: LiveFeishu) -> None:
    live.fake.add_message("om_reply", "Also the belt squeaks", root_id="om_root", sender=SAM)
    live.event(fp.reaction(EMOJI, message_id="om_reply", operator=ALICE))
    live.settled()
    [offer] = offers_to(live, ALICE)
    [value] = [v for v in callback_values(offer) if v[ids.ACTION_KEY] == ids.INTAKE_OFFER_ACTION]
    form = live.press(ALICE, value)["card"]["data"]
    [submit] = [v for v in callback_values(form) if v[ids.ACTION_KEY] == ids.FORM_SUBMIT_ACTION]
    assert submit["thread"] == "fs:om_root"


def test_a_reaction_on_a_message_baton_cannot_read_offers_nothing(live: LiveFeishu) -> None:
    live.event(fp.reaction(EMOJI, message_id="om_gone", operator=PETE))  # recalled: GET answers 230001
    live.settled()
    assert offers_to(live, PETE) == []


# -- 2. a mention files a task ---------------------------------------------------------------------


def test_a_mention_files_a_task_linked_to_the_message_in_its_topic(live: LiveFeishu) -> None:
    said = dict(direct=False, mentions={"paul": PAUL}, message_id="om_m1")
    live.say(ALICE, "Replace the gasket @paul due:friday", **said)  # type: ignore[arg-type]
    filed = task(live)
    assert (filed.title, filed.owner_id, filed.requester_id) == (
        "Replace the gasket",
        "fs:ou_paul",
        "fs:ou_alice",
    )
    assert filed.due_at is not None
    assert (filed.source_channel, filed.source_thread) == ("fs:oc_group1", "fs:om_m1")
    live.say(ALICE, "Replace the gasket @paul due:friday", **said)  # type: ignore[arg-type]  # redelivered
    assert len(tasks(live)) == 1
    live.settled()
    assert len([c for c in in_topic(live, "om_m1") if "T-1" in c]) == 1
    # Written as to Baton one-to-one, `@Baton new <title>` is the same request.
    live.say(ALICE, "new Oil the press #production", direct=False, message_id="om_m1b")
    last = tasks(live)[-1]
    assert (last.title, last.owner_id, last.source_thread) == ("Oil the press", "fs:ou_pete", "fs:om_m1b")


def test_a_mention_without_a_title_gets_the_usage_in_its_topic(live: LiveFeishu) -> None:
    before = counts(live.baton.engine)
    live.say(ALICE, "", direct=False, message_id="om_m2")
    live.settled()
    [usage] = in_topic(live, "om_m2")
    assert "mention me with a title" in usage
    assert counts(live.baton.engine)["Task"] == before["Task"] == 0


def test_a_bad_mention_is_refused_privately_in_the_speakers_language(live: LiveFeishu) -> None:
    before = counts(live.baton.engine)
    live.say(PAUL, "修理三号泵 due:明年某天", direct=False, message_id="om_m3")
    reply = live.last_private(PAUL)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in reply.replace("明年某天", ""))
    live.say(SAM, "Fix the pump #nosuchdept", direct=False, message_id="om_m4")
    assert "nosuchdept" in live.last_private(SAM)
    live.settled()
    assert counts(live.baton.engine)["Task"] == before["Task"] == 0
    assert in_topic(live, "om_m3") == in_topic(live, "om_m4") == []


def test_one_to_one_text_that_is_no_command_keeps_the_help(live: LiveFeishu) -> None:
    live.say(ALICE, "Replace the gasket")
    assert "Write me a command" in live.last_private(ALICE)
    assert tasks(live) == []


def test_a_task_reply_files_the_quoted_message_and_answers_in_its_topic(live: LiveFeishu) -> None:
    live.fake.add_message("om_quoted", "The dryer on line 2 is leaking", sender=SAM)
    live.say(
        PETE, "task @paul", direct=False, mentions={"paul": PAUL}, parent_id="om_quoted", root_id="om_quoted"
    )
    assert task(live).source_thread == "fs:om_quoted"
    live.settled()
    assert any("T-1" in c for c in in_topic(live, "om_quoted"))


# -- 3. intake groups ------------------------------------------------------------------------------


def intake_of(live: LiveFeishu, name: str) -> tuple[str | None, str | None]:
    with Session(live.baton.engine) as session:
        dept = session.exec(select(Department).where(Department.name == name)).one()
        return dept.intake_channel_id, dept.channel_id


def test_here_names_the_group_and_its_posts_become_tasks(live: LiveFeishu) -> None:
    live.say(ADMIN, "task dept set production intake here", direct=False, chat="oc_intake")
    live.say(ADMIN, "任务 dept set production channel 本群", direct=False, chat="oc_prod")
    assert intake_of(live, "production") == ("fs:oc_intake", "fs:oc_prod")

    post = dict(direct=False, to_bot=False, chat="oc_intake")
    live.say(SAM, "Pump 3 is noisy\nsince Monday, bay 4", message_id="om_p1", **post)  # type: ignore[arg-type]
    filed = task(live)
    assert (filed.title, filed.details, filed.requester_id) == (
        "Pump 3 is noisy",
        "since Monday, bay 4",
        "fs:ou_sam",
    )
    assert filed.owner_id == "fs:ou_pete"  # production's triage: its lead
    assert (filed.source_channel, filed.source_thread) == ("fs:oc_intake", "fs:om_p1")

    # Never filed: a topic reply, a bot's message, a picture, a post in another group.
    live.say(SAM, "more noise", root_id="om_p1", parent_id="om_p1", thread_id="omt_1", **post)  # type: ignore[arg-type]
    live.say(SAM, "build passed", sender_type="app", **post)  # type: ignore[arg-type]
    live.say(SAM, "", message_type="image", **post)  # type: ignore[arg-type]
    live.say(SAM, "Lunch is ready", direct=False, to_bot=False, chat="oc_group1")
    assert len(tasks(live)) == 1
    live.settled()
    assert any("T-1" in c for c in in_topic(live, "om_p1"))


def test_here_in_a_one_to_one_chat_is_refused_and_changes_nothing(live: LiveFeishu) -> None:
    live.say(ADMIN, "task dept set production intake here")
    assert "names the group you type the command in" in live.last_private(ADMIN)
    assert intake_of(live, "production") == (None, None)


# -- 4. progress in the topic, replies as comments ---------------------------------------------------


def test_progress_goes_in_the_topic_once_and_replies_become_comments(live: LiveFeishu) -> None:
    live.say(ALICE, "Replace the gasket @paul", direct=False, mentions={"paul": PAUL}, message_id="om_g")
    live.settled()
    posted = len(in_topic(live, "om_g"))
    assert posted == 1  # the card
    for who, move in ((PAUL, "ack"), (PAUL, "done"), (ALICE, "verify")):
        answer = live.press(who, {"a": ids.MOVE_ACTION, "task": 1, "move": move})
        assert answer["toast"]["type"] == "success", answer
        live.press(who, {"a": ids.MOVE_ACTION, "task": 1, "move": move})  # pressed twice: posted once
        live.settled()
        posted += 1
        assert len(in_topic(live, "om_g")) == posted, move
    assert task(live).status == "verified"

    reply = dict(direct=False, to_bot=False, root_id="om_g", parent_id="om_g", thread_id="omt_g")
    live.say(PAUL, "Parts were on the shelf", **reply)  # type: ignore[arg-type]
    live.say(SAM, "Nice one", **reply)  # type: ignore[arg-type]  # neither owner nor requester
    assert comments(live) == ["Parts were on the shelf"]
    assert "comment" in moves(live)


def test_a_topic_reply_under_a_plain_message_is_no_comment(live: LiveFeishu) -> None:
    before = counts(live.baton.engine)
    live.say(PAUL, "ok", direct=False, to_bot=False, root_id="om_x", parent_id="om_x", thread_id="omt_x")
    after = counts(live.baton.engine)
    assert after["TaskEvent"] == before["TaskEvent"] and after["Task"] == 0
    with Session(live.baton.engine) as session:
        assert session.exec(select(OutboxMessage).where(OutboxMessage.kind == "thread")).first() is None


def test_over_the_long_connection_too(file_engine_url: str, fake: FakeFeishu) -> None:  # noqa: F811
    """The reaction event and the offer's press arrive as SDK frames; the form comes back in the ack."""
    app = LiveFeishu(file_engine_url, fake, clock=FixedClock(NOW), mode="long")
    try:
        setup_company(app)
        fake.add_message("om_long", "Forklift 2 brakes are soft", sender=SAM)
        app.event(fp.reaction(EMOJI, message_id="om_long", operator=PETE))
        app.settled()
        [offer] = offers_to(app, PETE)
        [value] = [v for v in callback_values(offer) if v[ids.ACTION_KEY] == ids.INTAKE_OFFER_ACTION]
        form = app.press(PETE, value)["card"]["data"]
        assert "Forklift 2 brakes are soft" in json.dumps(form)
        app.say(SAM, "Replace the mirror #production", direct=False, message_id="om_long2")
        assert task(app).source_thread == "fs:om_long2"
    finally:
        app.stop()
