"""The whole app through signed HTTP requests into /slack/events, against a fake Slack Web API."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from handlers.clock import FixedClock
from storage.db import make_engine
from storage.models import Department, Member, OutboxMessage, Task, TaskEvent
from tests.company import counts
from tests.fake_slack import FakeSlack
from tests.live import LiveBaton, eventually, signed_headers

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
PEOPLE = {
    "U_ADMIN": ("admin", "UTC", "en-US", True),
    "U_ALICE": ("alice", "Asia/Shanghai", "en-US", False),
    "U_PETE": ("pete", "Asia/Shanghai", "en-US", False),
    "U_PAUL": ("paul", "Asia/Shanghai", "zh-CN", False),
    "U_SAM": ("sam", "Asia/Shanghai", "en-US", False),
}


@pytest.fixture
def slack(fake_slack: FakeSlack) -> FakeSlack:
    for user_id, (name, tz, locale, admin) in PEOPLE.items():
        fake_slack.add_user(user_id, name, tz=tz, locale=locale, admin=admin)
    return fake_slack


@pytest.fixture
def live(file_engine_url: str, slack: FakeSlack) -> Iterator[LiveBaton]:
    app = LiveBaton(file_engine_url, slack, clock=FixedClock(NOW))
    yield app
    app.stop()


def setup_company(live: LiveBaton) -> None:
    assert "added" in live.reply_text(
        "U_ADMIN", "dept add sales lead <@U_ALICE|alice> channel <#C_SALES|sales>"
    )
    assert "added" in live.reply_text("U_ADMIN", "dept add production lead <@U_PETE|pete> sla 2h")
    assert "now in" in live.reply_text("U_ADMIN", "member <@U_PAUL|paul> production")
    assert "now in" in live.reply_text("U_ADMIN", "member <@U_SAM|sam> sales")


def card_posts(slack: FakeSlack, channel: str = "C_GENERAL") -> list:  # type: ignore[type-arg]
    return [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == channel]


def test_a_tasks_whole_life_over_signed_http(live: LiveBaton, slack: FakeSlack) -> None:
    setup_company(live)
    text = live.reply_text("U_ALICE", "new Check the seals on line 3 <@U_PAUL|paul> due:friday !high")
    assert text == "Filed T-1 for @paul."
    dm = eventually(lambda: slack.dms_to("U_PAUL"), what="the owner's DM")[0]
    assert (
        "asked you to do T-1" in dm.params["text"] or "请你处理 T-1" in dm.params["text"]
    )  # paul reads Chinese
    assert "请你处理 T-1" in dm.params["text"]
    card = eventually(lambda: card_posts(slack), what="the channel card")[0]
    assert "Check the seals on line 3" in json.dumps(card.params["blocks"], ensure_ascii=False)

    assert live.reply_text("U_PAUL", "ack 1") == "已确认 T-1。"
    live.reply_text("U_PAUL", "start 1")
    live.reply_text("U_PAUL", "done 1 replaced both seals")
    verify_dm = eventually(
        lambda: [c for c in slack.dms_to("U_ALICE") if "/task verify 1" in c.params["text"]],
        what="the requester's request to verify",
    )
    assert "replaced both seals" in json.dumps(verify_dm[0].params["blocks"])
    assert live.reply_text("U_ALICE", "verify 1") == "T-1 is verified and closed. Thank you."

    # The card was posted once and then updated in place, ending verified.
    def final_update() -> bool:
        updates = slack.calls_to("chat.update")
        return bool(updates) and "verified" in json.dumps(updates[-1].params["blocks"])

    eventually(final_update, what="the card to show verified")
    assert len(card_posts(slack)) == 1
    assert {c.params["ts"] for c in slack.calls_to("chat.update")} == {
        card_posts(slack)[0].params.get("ts") or _card_ts(live)
    }
    with Session(live.baton.engine) as session:
        task = session.get(Task, 1)
        assert task is not None and task.status == "verified"
        actions = [e.action for e in session.exec(select(TaskEvent).where(TaskEvent.task_id == 1)).all()]
        assert actions == ["created", "ack", "start", "done", "verify"]
        paul = session.get(Member, "U_PAUL")
        assert paul is not None and paul.tz == "Asia/Shanghai" and paul.locale == "zh-CN"


def _card_ts(live: LiveBaton) -> str:
    from storage.models import TaskMessage

    with Session(live.baton.engine) as session:
        row = session.exec(select(TaskMessage)).first()
        assert row is not None
        return row.ts


def test_refusals_from_the_permission_table_are_private_and_change_nothing(
    live: LiveBaton, slack: FakeSlack
) -> None:
    setup_company(live)
    live.reply_text("U_ALICE", "new Count pallets <@U_PAUL|paul>")
    live.settled()
    sent_before, stored_before = len(slack.messages()), counts(live.baton.engine)
    refusals = {
        ("U_SAM", "ack 1"): "Only the owner may acknowledge T-1.",
        ("U_ALICE", "done 1"): "Only the owner may mark done T-1.",
        ("U_SAM", "verify 1"): "Only the requester may verify T-1.",
        ("U_PAUL", "cancel 1 nah"): "只有提出人可以取消 T-1。",
        ("U_SAM", "assign 1 <@U_SAM|sam>"): "Only the accountable lead or an admin may reassign T-1.",
        ("U_SAM", "due 1 tomorrow"): "Only the requester, the accountable lead or an admin may change T-1.",
        ("U_ALICE", "dept add ops lead <@U_SAM|sam>"): "Only an admin may do that.",
        (
            "U_SAM",
            "handover <@U_PAUL|paul> <@U_SAM|sam>",
        ): "Only an admin or @paul's department lead may hand over their tasks.",
        ("U_PAUL", "verify 1"): "只有提出人可以验收 T-1。",
    }
    for (user, command), expected in refusals.items():
        assert live.reply_text(user, command) == expected, command
    assert counts(live.baton.engine) == stored_before
    live.baton.worker.deliver_due()
    assert len(slack.messages()) == sent_before


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("frobnicate", "I don't know `frobnicate`. Try `/task help`."),
        ("show 42", "There is no task T-42."),
        ("ack", "Which task? Give its id, like `T-12` or `12`."),
        ("new Fix it <@U_NOBODY|nobody>", "@nobody is in no department yet."),
        ("new Fix it #marketing", "There is no department #marketing."),
        ("new Fix it <@U_PETE|pete> due:someday", "I can't read `someday` as a date."),
        ("new Fix it <@U_PETE|pete> due:2020-01-01", "`2020-01-01` has already passed."),
        ("new Fix it", "Who should do it?"),
        ("new " + "y" * 1001 + " <@U_PETE|pete>", "That title is 1001 characters"),
    ],
)
def test_bad_input_over_http_gets_a_private_reply_and_stores_nothing(
    live: LiveBaton, slack: FakeSlack, command: str, expected: str
) -> None:
    setup_company(live)
    before = counts(live.baton.engine)
    response = live.slash("U_ALICE", command)
    assert response.status_code == 200
    body = response.json()
    assert body["text"].startswith(expected), body["text"]
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert counts(live.baton.engine) == before
    live.baton.worker.deliver_due()
    assert slack.messages() == []


def test_forged_and_stale_signatures_are_refused(live: LiveBaton, slack: FakeSlack) -> None:
    from urllib.parse import urlencode

    body = urlencode(
        {
            "command": "/task",
            "text": "new Sneaky #sales",
            "user_id": "U_ALICE",
            "channel_id": "C1",
            "team_id": "T1",
        }
    )
    forged = live.post(body, signed_headers(body, secret="not-the-secret"))
    stale = live.post(body, signed_headers(body, timestamp=int(time.time()) - 10 * 60))
    unsigned = live.post(body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert [r.status_code for r in (forged, stale, unsigned)] == [401, 401, 401]
    assert counts(live.baton.engine)["Task"] == 0
    assert slack.calls == []


def test_the_reply_never_waits_for_slack_and_nothing_is_lost(live: LiveBaton, slack: FakeSlack) -> None:
    setup_company(live)
    slack.fail("chat.postMessage", 500, times=50)
    started = time.monotonic()
    assert live.reply_text("U_ALICE", "new Urgent fix <@U_PAUL|paul> !urgent") == "Filed T-1 for @paul."
    assert time.monotonic() - started < 3
    with Session(live.baton.engine) as session:
        pending = session.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
        assert {(m.kind, m.recipient) for m in pending} == {("dm", "U_PAUL"), ("card", "C_GENERAL")}


def test_tasks_survive_a_restart_and_cards_keep_updating_in_place(
    file_engine_url: str, slack: FakeSlack
) -> None:
    first = LiveBaton(file_engine_url, slack, clock=FixedClock(NOW))
    try:
        setup_company(first)
        first.reply_text("U_ALICE", "new Order resin <@U_PAUL|paul>")
        eventually(lambda: card_posts(slack), what="the first card")
    finally:
        first.stop()
    ts = card_posts(slack)[0].params.get("ts")
    second = LiveBaton(file_engine_url, slack, clock=FixedClock(NOW))
    try:
        assert second.reply_text("U_PAUL", "ack T-1") == "已确认 T-1。"
        update = eventually(lambda: slack.calls_to("chat.update"), what="the card update")[0]
        assert update.params["channel"] == "C_GENERAL" and update.params["ts"] == (ts or _card_ts(second))
        assert len(card_posts(slack)) == 1
        with Session(make_engine(file_engine_url)) as session:
            assert len(session.exec(select(Department)).all()) == 2
    finally:
        second.stop()


def test_typed_text_can_never_ping(live: LiveBaton, slack: FakeSlack) -> None:
    setup_company(live)
    live.reply_text("U_ALICE", "new Tell <!channel> and <!here> and &lt;@U_SAM&gt; now <@U_PAUL|paul>")
    card = eventually(lambda: card_posts(slack), what="the card")[0]
    dm = eventually(lambda: slack.dms_to("U_PAUL"), what="the DM")[0]
    for payload in (card.params, dm.params):
        dumped = json.dumps(payload)
        assert "<!channel>" not in dumped and "<!here>" not in dumped and "<@U_SAM>" not in dumped
    assert "&lt;@U_SAM&gt;" in json.dumps(card.params["blocks"])


def test_healthz_answers_when_the_database_does(live: LiveBaton) -> None:
    response = live.http.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert live.http.get("/readyz").json() == {"status": "ready"}
    assert live.http.get("/nope").status_code == 404


def test_a_private_channel_task_is_hidden_from_people_outside_it(live: LiveBaton, slack: FakeSlack) -> None:
    from urllib.parse import urlencode

    setup_company(live)
    body = urlencode(
        {
            "command": "/task",
            "text": "new Salary review <@U_PAUL|paul>",
            "user_id": "U_ALICE",
            "user_name": "alice",
            "channel_id": "C_SECRET",
            "channel_name": "privategroup",
            "team_id": "T1",
        }
    )
    assert live.post(body, signed_headers(body)).json()["text"] == "Filed T-1 for @paul."
    with Session(live.baton.engine) as session:
        task = session.get(Task, 1)
        assert task is not None and task.private
    assert "Salary" not in live.slash("U_SAM", "list all").text
    assert live.reply_text("U_SAM", "show 1") == "There is no task T-1."
    assert "Salary" in live.slash("U_PAUL", "list").text
