"""Slack-native surfaces end to end: the form, buttons, the message shortcut, the home tab, languages.

Signed block_actions, view_submission, message_action and app_home_opened payloads go into the real
/slack/events endpoint; the fake Slack records views.open, views.publish, chat.update and the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from storage.models import Task, TaskEvent
from tests.company import counts
from tests.fake_slack import Call, FakeSlack
from tests.live import LiveBaton, eventually, sales_and_production
from tests.slack_payloads import block_actions, button, event, message_action, overflow, view_submission

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # Wednesday, 10:00 in Shanghai
PEOPLE = {
    "U_ADMIN": ("admin", "UTC", "en-US", True),
    "U_ALICE": ("alice", "Asia/Shanghai", "en-US", False),
    "U_PETE": ("pete", "Asia/Shanghai", "en-US", False),
    "U_PAUL": ("paul", "Asia/Shanghai", "zh-CN", False),
    "U_SAM": ("sam", "Asia/Shanghai", "en-US", False),
}


@pytest.fixture
def live(file_engine_url: str, fake_slack: FakeSlack) -> Iterator[LiveBaton]:
    app = sales_and_production(file_engine_url, fake_slack, PEOPLE, now=NOW)
    yield app
    app.stop()


def task(live: LiveBaton, task_id: int = 1) -> Task:
    with Session(live.baton.engine) as session:
        row = session.get(Task, task_id)
        assert row is not None
        return row


def events(live: LiveBaton, task_id: int = 1) -> list[str]:
    with Session(live.baton.engine) as session:
        return [e.action for e in session.exec(select(TaskEvent).where(TaskEvent.task_id == task_id)).all()]


def opened(fake: FakeSlack, callback_id: str) -> dict[str, Any]:
    calls = eventually(
        lambda: [c for c in fake.calls_to("views.open") if c.params["view"]["callback_id"] == callback_id],
        what=f"views.open of {callback_id}",
    )
    return calls[-1].params["view"]


def actions_in(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def dm(fake: FakeSlack, user_id: str) -> Call:
    return eventually(lambda: fake.dms_to(user_id), what=f"a DM to {user_id}")[-1]


def file_by_form(live: LiveBaton, fake: FakeSlack, **values: Any) -> Any:
    assert live.slash("U_ALICE", "").status_code == 200
    form = opened(fake, "baton_new_task")
    return live.interact(view_submission("U_ALICE", form, values))


def test_slash_task_alone_opens_the_new_task_form(live: LiveBaton, fake_slack: FakeSlack) -> None:
    response = live.slash("U_ALICE", "")
    assert response.status_code == 200 and response.text == ""
    form = opened(fake_slack, "baton_new_task")
    assert form["title"]["text"] == "New task"
    blocks = {b["block_id"]: b for b in form["blocks"]}
    assert {"title", "details", "owner", "dept", "due_date", "due_time", "priority", "watchers"} <= set(
        blocks
    )
    assert [o["value"] for o in blocks["dept"]["element"]["options"]] == ["production", "sales"]
    assert json.loads(form["private_metadata"]) == {"channel": "C_GENERAL", "conversation": "channel"}


def test_the_form_files_a_task_exactly_as_the_command_does(live: LiveBaton, fake_slack: FakeSlack) -> None:
    response = file_by_form(
        live,
        fake_slack,
        title="Check the seals",
        details="Line 3 leaks",
        owner="U_PAUL",
        due_date="2026-11-20",
        due_time="15:00",
        priority="high",
        watchers=["U_SAM"],
    )
    assert response.status_code == 200 and response.text == ""  # the form closes
    row = task(live)
    assert (row.title, row.details, row.owner_id, row.priority) == (
        "Check the seals",
        "Line 3 leaks",
        "U_PAUL",
        "high",
    )
    assert row.due_at == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)  # 15:00 in Alice's Shanghai
    assert row.source_channel == "C_GENERAL"
    eventually(lambda: fake_slack.dms_to("U_PAUL"), what="the owner's DM")
    note = eventually(lambda: fake_slack.calls_to("chat.postEphemeral"), what="the private confirmation")[0]
    assert note.params["user"] == "U_ALICE" and note.params["text"] == "Filed T-1 for @paul."


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": "Late", "owner": "U_PAUL", "due_date": "2026-11-17"}, "due_date", "has already passed"),
        ({"title": "Nobody"}, "owner", "Who should do it?"),
        ({"title": "   ", "owner": "U_PAUL"}, "title", "A task needs a title"),
    ],
)
def test_invalid_forms_show_errors_inline_and_store_nothing(
    live: LiveBaton, fake_slack: FakeSlack, values: dict[str, Any], field: str, message: str
) -> None:
    before = counts(live.baton.engine)
    response = file_by_form(live, fake_slack, **values)
    body = response.json()
    assert body["response_action"] == "errors" and list(body["errors"]) == [field]
    assert message in body["errors"][field]
    assert counts(live.baton.engine) == before


def test_a_task_can_live_its_whole_life_by_clicking(live: LiveBaton, fake_slack: FakeSlack) -> None:
    file_by_form(live, fake_slack, title="Order resin", owner="U_PAUL", priority="normal")
    owner_dm = dm(fake_slack, "U_PAUL")
    assert actions_in(owner_dm.params["blocks"]) == [
        "task_ack",
        "task_start",
        "task_block",
        "task_done",
        "task_menu",
    ]
    dm_channel, dm_ts = "U_PAUL", None

    def press(user_id: str, move: str, channel: str, ts: str | None) -> None:
        payload = block_actions(user_id, button(f"task_{move}", "1"), channel=channel, message_ts=ts)
        assert live.interact(payload).status_code == 200

    # The fake answers chat.postMessage with the channel it was given; the DM's ts is in its answer.
    from storage.models import OutboxMessage

    def recorded() -> OutboxMessage | None:  # Slack has the DM; the worker records its ts just after
        with Session(live.baton.engine) as session:
            row = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == "U_PAUL")).first()
            return row if row is not None and row.sent_ts is not None else None

    sent = eventually(recorded, what="the DM's ts to be recorded")
    assert sent is not None and sent.sent_ts is not None
    dm_channel, dm_ts = sent.sent_channel or "U_PAUL", sent.sent_ts
    press("U_PAUL", "ack", dm_channel, dm_ts)
    assert task(live).status == "acknowledged"
    refreshed = eventually(
        lambda: [c for c in fake_slack.calls_to("chat.update") if c.params["ts"] == dm_ts],
        what="the pressed DM to update in place",
    )[-1]
    assert actions_in(refreshed.params["blocks"]) == ["task_start", "task_block", "task_done", "task_menu"]
    press("U_PAUL", "ack", dm_channel, dm_ts)  # a second press of the same button changes nothing
    assert events(live) == ["created", "ack"]
    press("U_PAUL", "done", dm_channel, dm_ts)
    assert task(live).status == "done"
    verify_dm = eventually(
        lambda: [c for c in fake_slack.dms_to("U_ALICE") if "task_verify" in actions_in(c.params["blocks"])],
        what="the verify button for alice",
    )[-1]
    assert "task_reopen" in actions_in(verify_dm.params["blocks"])
    press("U_ALICE", "verify", "U_ALICE", "1.1")
    assert task(live).status == "verified"
    assert events(live) == ["created", "ack", "start", "done", "verify"]


def test_a_press_by_someone_who_may_not_gets_a_private_note_and_changes_nothing(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    live.reply_text("U_ALICE", "new Order resin <@U_PAUL|paul>")
    card = eventually(
        lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C_GENERAL"],
        what="the card",
    )[0]
    assert "task_ack" in actions_in(card.params["blocks"])
    before = counts(live.baton.engine)
    payload = block_actions(
        "U_SAM", button("task_ack", "1"), channel="C_GENERAL", message_ts="1700000001.000100"
    )
    assert live.interact(payload).status_code == 200
    note = eventually(lambda: fake_slack.calls_to("chat.postEphemeral"), what="the private refusal")[0]
    assert (note.params["channel"], note.params["user"]) == ("C_GENERAL", "U_SAM")
    assert note.params["text"] == "Only the owner may acknowledge T-1."
    after = counts(live.baton.engine)
    assert after["Task"] == before["Task"] and after["TaskEvent"] == before["TaskEvent"]
    assert task(live).status == "open"


def test_block_and_menu_changes_open_small_forms(live: LiveBaton, fake_slack: FakeSlack) -> None:
    live.reply_text("U_ALICE", "new Order resin <@U_PAUL|paul>")
    live.interact(block_actions("U_PAUL", button("task_block", "1"), channel="C_GENERAL", message_ts="1.2"))
    reason = opened(fake_slack, "baton_reason")
    assert reason["title"]["text"] == "为什么受阻？"  # paul reads Chinese
    live.interact(view_submission("U_PAUL", reason, {"reason": "供应商缺货"}))
    assert task(live).status == "blocked"

    live.interact(
        block_actions("U_PETE", overflow("task_menu", "assign:1"), channel="C_GENERAL", message_ts="1.2")
    )
    assign = opened(fake_slack, "baton_assign")
    live.interact(view_submission("U_PETE", assign, {"new_owner": "U_PETE"}))
    assert task(live).owner_id == "U_PETE"

    live.interact(
        block_actions("U_ALICE", overflow("task_menu", "due:1"), channel="C_GENERAL", message_ts="1.2")
    )
    due = opened(fake_slack, "baton_due")
    refusal = live.interact(view_submission("U_ALICE", due, {"due_date": "2026-01-01"})).json()
    assert refusal["response_action"] == "errors" and "due_date" in refusal["errors"]
    live.interact(view_submission("U_ALICE", due, {"due_date": "2026-11-27"}))
    assert task(live).due_at == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)

    live.interact(
        block_actions("U_SAM", overflow("task_menu", "comment:1"), channel="C_GENERAL", message_ts="1.2")
    )
    live.interact(
        view_submission("U_SAM", opened(fake_slack, "baton_comment"), {"comment": "customer called"})
    )
    assert events(live)[-1] == "comment"


def test_the_message_shortcut_fills_the_form_and_links_the_message(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    text = "Seals leaking on <#C_FLOOR|floor> line 3 &amp; 4, cc <@U_SAM|sam> <!here>\nPhotos in thread"
    live.interact(message_action("U_ALICE", channel="C_FLOOR", text=text, ts="1700000000.123456"))
    form = opened(fake_slack, "baton_new_task")
    blocks = {b.get("block_id"): b for b in form["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "Seals leaking on #floor line 3 & 4, cc @sam @here"
    assert blocks["details"]["element"]["initial_value"].endswith("Photos in thread")
    link = "https://acme.slack.com/archives/C_FLOOR/p1700000000123456"
    meta = {"channel": "C_FLOOR", "link": link, "conversation": "channel", "thread": "1700000000.123456"}
    assert json.loads(form["private_metadata"]) == meta
    live.interact(view_submission("U_ALICE", form, {"title": "Seals leaking on line 3", "owner": "U_PAUL"}))
    assert task(live).source_link == link
    card = eventually(
        lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C_FLOOR"],
        what="the card",
    )[0]
    assert link in json.dumps(card.params["blocks"])


def test_the_home_tab_shows_what_you_owe_and_what_you_wait_for(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    live.reply_text("U_ALICE", "new Order resin <@U_PETE|pete> due:2026-11-19")
    live.reply_text("U_PETE", "new Price list <@U_ALICE|alice>")
    live.reply_text("U_ALICE", "done 2")
    live.baton.clock.advance(__import__("datetime").timedelta(days=2))  # type: ignore[attr-defined]
    live.event(event({"type": "app_home_opened", "user": "U_PETE", "channel": "D1", "tab": "home"}))
    home = eventually(lambda: fake_slack.calls_to("views.publish"), what="the home tab")[-1]
    assert home.params["user_id"] == "U_PETE"
    text = json.dumps(home.params["view"], ensure_ascii=False)
    for heading in (
        "Overdue",
        "Open tasks you own",
        "waiting for your verification",
        "Queue of #production",
        "This week in #production",
    ):
        assert heading in text, heading
    assert "task_verify" in text and "task_ack" in text
    # Buttons work on the home tab too: the press takes effect and the home is published again.
    published = len(fake_slack.calls_to("views.publish"))
    live.interact(block_actions("U_PETE", button("task_ack", "1"), home=True))
    assert task(live).status == "acknowledged"
    eventually(lambda: len(fake_slack.calls_to("views.publish")) > published, what="the home to refresh")


def test_a_card_speaks_its_requesters_language(live: LiveBaton, fake_slack: FakeSlack) -> None:
    live.reply_text("U_PAUL", "new 检查密封圈 <@U_PETE|pete>")
    card = eventually(
        lambda: [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "C_GENERAL"],
        what="the card",
    )[0]
    assert "负责人" in json.dumps(card.params["blocks"], ensure_ascii=False)
    assert "确认" in json.dumps(card.params["blocks"], ensure_ascii=False)


def test_two_hundred_tasks_with_long_titles_stay_inside_block_kit_limits(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    long_title = "Very long title " * 60  # ~960 characters
    for i in range(200):
        assert live.slash("U_ALICE", f"new {long_title[:-4]}{i} <@U_PETE|pete> !high").status_code == 200
    listing = live.slash("U_PETE", "list", headers=None).json()
    assert len(listing["blocks"]) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in listing["blocks"])
    more = [e for b in listing["blocks"] if b["type"] == "actions" for e in b["elements"]][0]
    assert more["action_id"] == "list_more" and len(more["text"]["text"]) <= 75
    page = block_actions(
        "U_PETE",
        button("list_more", more["value"]),
        channel="C_GENERAL",
        message_ts="9.9",
        response_url=f"{fake_slack.url}response",
    )
    live.interact(page)
    second = eventually(lambda: fake_slack.calls_to("response"), what="the next page")[-1]
    assert second.params["replace_original"] is True and "T-41" in json.dumps(second.params["blocks"])

    live.event(event({"type": "app_home_opened", "user": "U_PETE", "channel": "D1", "tab": "home"}))
    view = eventually(lambda: fake_slack.calls_to("views.publish"), what="the home tab")[-1].params["view"]
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        assert len(block.get("text", {}).get("text", "")) <= 3000
        for element in block.get("elements", []):
            assert (
                len(element.get("text", {}).get("text", "") if isinstance(element.get("text"), dict) else "")
                <= 75
            )
    more_home = [
        e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "home_more"
    ][0]
    live.interact(block_actions("U_PETE", button("home_more", more_home["value"]), home=True))
    eventually(lambda: len(fake_slack.calls_to("views.publish")) >= 2, what="the next home page")


def test_language_follows_slack_and_can_be_chosen(live: LiveBaton, fake_slack: FakeSlack) -> None:
    assert live.reply_text("U_PAUL", "help").startswith("*Baton — 跨部门任务*")
    assert live.reply_text("U_PAUL", "lang en") == "I'll speak English with you."
    assert live.reply_text("U_PAUL", "help").startswith("*Baton — tasks between departments*")
    live.reply_text("U_ALICE", "new Order resin <@U_PAUL|paul>")
    assert "asked you to do T-1" in dm(fake_slack, "U_PAUL").params["text"]
    assert live.reply_text("U_ALICE", "lang 中文") == "我会用中文和你交流。"
    assert live.reply_text("U_ALICE", "lang klingon") == "请写 `/task lang zh` 或 `/task lang en`。"
