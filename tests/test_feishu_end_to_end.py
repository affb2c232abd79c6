"""Baton on Feishu / Lark end to end: events in through `http` mode (signed, encrypted) and `long` mode
(the SDK's websocket client), the fake Open Platform answering every API call Baton makes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from bot.feishu import ids
from handlers.clock import FixedClock
from storage.models import Member, OutboxMessage, Task, TaskEvent
from tests.company import counts
from tests.fake_feishu import FakeFeishu
from tests.live_feishu import LiveFeishu

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Shanghai
ADMIN, ALICE, PAUL, PETE, SAM = "ou_admin", "ou_alice", "ou_paul", "ou_pete", "ou_sam"
NAMES = {ADMIN: "admin", ALICE: "alice", PAUL: "paul", PETE: "pete", SAM: "sam"}


@pytest.fixture
def fake() -> Iterator[FakeFeishu]:
    fake = FakeFeishu().start()
    for open_id, name in NAMES.items():
        fake.add_user(open_id, name, time_zone="Asia/Shanghai")
    yield fake
    fake.stop()


@pytest.fixture(params=["http", "long"])
def live(request: pytest.FixtureRequest, file_engine_url: str, fake: FakeFeishu) -> Iterator[LiveFeishu]:
    app = LiveFeishu(file_engine_url, fake, clock=FixedClock(NOW), mode=request.param)
    yield app
    app.stop()


def setup_company(live: LiveFeishu) -> None:
    said = live.say(ADMIN, "/task dept add sales lead @alice", mentions={"alice": ALICE})
    assert said == {}
    assert "sales" in live.last_private(ADMIN)
    live.say(ADMIN, "task dept add production lead @pete sla 2h", mentions={"pete": PETE})
    live.say(ADMIN, "member @paul production", mentions={"paul": PAUL})
    live.say(ADMIN, "任务 member @sam sales", mentions={"sam": SAM})


def task(live: LiveFeishu, task_id: int = 1) -> Task:
    with Session(live.baton.engine) as session:
        found = session.get(Task, task_id)
        assert found is not None
        return found


def moves(live: LiveFeishu, task_id: int = 1) -> list[str]:
    with Session(live.baton.engine) as session:
        rows = session.exec(select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.id))
        return [r.action for r in rows]


def test_a_tasks_whole_life_by_commands(live: LiveFeishu) -> None:
    setup_company(live)
    live.say(
        ALICE,
        "/task new Check the seals on line 3 @paul due:friday !high",
        direct=False,
        mentions={"paul": PAUL},
    )
    filed = task(live)
    assert (filed.title, filed.owner_id, filed.requester_id) == (
        "Check the seals on line 3",
        "fs:ou_paul",
        "fs:ou_alice",
    )
    assert filed.source_channel == "fs:oc_group1"
    assert "T-1" in live.last_private(ALICE)
    # The speaker's reply in a group is an ephemeral card, only they see it.
    assert any(c.endpoint == "ephemeral" and c.body["chat_id"] == "oc_group1" for c in live.fake.calls)
    for who, words in ((PAUL, "ack 1"), (PAUL, "start 1"), (PAUL, "done 1"), (ALICE, "verify 1")):
        live.say(who, words)
    assert task(live).status == "verified"
    assert [m for m in moves(live) if m in ("ack", "start", "done", "verify")] == [
        "ack",
        "start",
        "done",
        "verify",
    ]


def test_a_tasks_whole_life_by_card_presses(live: LiveFeishu) -> None:
    setup_company(live)
    live.say(ALICE, "new Fix the printer @paul", mentions={"paul": PAUL})
    for who, move in ((PAUL, "ack"), (PAUL, "start"), (PAUL, "done"), (ALICE, "verify")):
        answer = live.press(who, {"a": ids.MOVE_ACTION, "task": 1, "move": move})
        assert answer["toast"]["type"] == "success", answer
    assert task(live).status == "verified"


def test_a_double_press_is_harmless(live: LiveFeishu) -> None:
    setup_company(live)
    live.say(ALICE, "new Fix the printer @paul", mentions={"paul": PAUL})
    first = live.press(PAUL, {"a": ids.MOVE_ACTION, "task": 1, "move": "ack"})
    again = live.press(PAUL, {"a": ids.MOVE_ACTION, "task": 1, "move": "ack"})
    assert first["toast"]["type"] == again["toast"]["type"] == "success"
    assert moves(live).count("ack") == 1


def test_a_refused_press_changes_nothing_and_says_why_privately(live: LiveFeishu) -> None:
    setup_company(live)
    live.say(ALICE, "new Fix the printer @paul", mentions={"paul": PAUL})
    before = counts(live.baton.engine)
    answer = live.press(SAM, {"a": ids.MOVE_ACTION, "task": 1, "move": "done"})
    assert answer["toast"]["type"] == "error"
    assert task(live).status == "open"
    with Session(live.baton.engine) as session:
        note = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "ephemeral")).all()
    assert [n.recipient for n in note] == ["fs:ou_sam"]
    after = counts(live.baton.engine)
    assert {k: v for k, v in after.items() if k != "OutboxMessage"} == {
        k: v for k, v in before.items() if k != "OutboxMessage"
    }


def test_a_reason_is_asked_for_then_the_form_blocks_the_task(live: LiveFeishu) -> None:
    setup_company(live)
    live.say(ALICE, "new Fix the printer @paul", mentions={"paul": PAUL})
    opened = live.press(PAUL, {"a": ids.MOVE_ACTION, "task": 1, "move": "block"})
    assert opened["card"]["type"] == "raw" and opened["card"]["data"]
    assert task(live).status == "open"  # the press only opened the form
    empty = live.press(
        PAUL, {"a": ids.FORM_SUBMIT_ACTION, "form": ids.REASON_FORM, "task": 1, "move": "block"}
    )
    assert empty["toast"]["type"] == "error" and task(live).status == "open"
    done = live.press(
        PAUL,
        {"a": ids.FORM_SUBMIT_ACTION, "form": ids.REASON_FORM, "task": 1, "move": "block"},
        form_value={ids.FIELD_REASON: "waiting for parts"},
    )
    assert done["toast"]["type"] == "success"
    assert task(live).status == "blocked"


def test_the_new_task_form(live: LiveFeishu) -> None:
    setup_company(live)
    live.say(ALICE, "task", direct=False)  # `/task` alone: the New task form, privately
    assert ids.FORM_SUBMIT_ACTION in live.last_private(ALICE)
    answer = live.press(
        ALICE,
        {"a": ids.FORM_SUBMIT_ACTION, "form": ids.NEW_TASK_FORM, "channel": "fs:oc_group1"},
        form_value={
            ids.FIELD_TITLE: "Order more seals",
            ids.FIELD_OWNER: PAUL,
            ids.FIELD_DUE_DATE: "2026-11-20 +0800",
            ids.FIELD_DUE_TIME: "15:00",
            ids.FIELD_PRIORITY: "high",
        },
    )
    assert answer["toast"]["type"] == "success", answer
    filed = task(live)
    assert (filed.title, filed.owner_id, filed.priority) == ("Order more seals", "fs:ou_paul", "high")
    assert filed.due_at is not None


def test_bad_input_gets_a_private_reply_in_the_speakers_language_and_stores_nothing(live: LiveFeishu) -> None:
    setup_company(live)
    before = counts(live.baton.engine)
    live.say(PAUL, "任务 new 检查密封件 due:明年某天", direct=False)
    reply = live.last_private(PAUL)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in reply.replace("检查密封件", ""))
    live.say(SAM, "task show 999", direct=False)
    assert "999" in live.last_private(SAM)
    after = counts(live.baton.engine)
    assert after["Task"] == before["Task"] == 0


def test_typed_everyone_pings_nobody_and_a_mentioned_person_is_used(live: LiveFeishu) -> None:
    setup_company(live)
    live.say(ALICE, '/task new "Tell @所有人 about <at user_id="all"></at>" @paul', mentions={"paul": PAUL})
    filed = task(live)
    assert filed.owner_id == "fs:ou_paul"
    assert "@所有人" in filed.title
    for call in live.fake.calls:
        body = json.dumps(call.body, ensure_ascii=False)
        assert '<at user_id=\\"all\\">' not in body and "<at id=all>" not in body


def test_a_reply_with_task_files_the_quoted_message(live: LiveFeishu) -> None:
    setup_company(live)
    live.fake.add_message("om_quoted", "The dryer on line 2 is leaking\nsince this morning", sender=SAM)
    live.say(
        PETE, "task @paul", direct=False, mentions={"paul": PAUL}, parent_id="om_quoted", root_id="om_quoted"
    )
    filed = task(live)
    assert filed.title == "The dryer on line 2 is leaking"
    assert "since this morning" in filed.details
    assert filed.owner_id == "fs:ou_paul" and filed.source_link


def test_the_language_follows_what_people_write(live: LiveFeishu) -> None:
    setup_company(live)
    live.say(PAUL, "任务 list")
    with Session(live.baton.engine) as session:
        assert session.get(Member, "fs:ou_paul").locale == "zh"  # type: ignore[union-attr]
    live.say(PAUL, "task lang en")
    live.say(PAUL, "任务 list")
    with Session(live.baton.engine) as session:
        member = session.get(Member, "fs:ou_paul")
        assert member is not None and member.locale_override == "en"


def test_the_bot_menu(live: LiveFeishu) -> None:
    from tests import feishu_payloads as fp

    setup_company(live)
    live.event(fp.bot_menu(ids.MENU_NEW_TASK, operator=ALICE))
    assert ids.FORM_SUBMIT_ACTION in live.last_private(ALICE)
    live.event(fp.bot_menu(ids.MENU_MY_TASKS, operator=ALICE))
    live.event(fp.bot_menu(ids.MENU_STANDUP_ANSWER, operator=PAUL))
    with Session(live.baton.engine) as session:
        kinds = {(r.kind, r.recipient) for r in session.exec(select(OutboxMessage))}
    assert ("home", "fs:ou_alice") in kinds
    assert ("ephemeral", "fs:ou_paul") in kinds  # no stand-up open for Paul: a private note says so


def test_where_an_ephemeral_card_is_refused_the_answer_comes_directly(live: LiveFeishu) -> None:
    setup_company(live)
    live.fake.fail("ephemeral", code=230002, status=400)  # e.g. the bot is not in that chat
    live.say(SAM, "task list", direct=False)
    assert any(c.endpoint == "send" and c.body.get("receive_id") == SAM for c in live.fake.calls)
