"""Feishu / Lark over days: a stand-up (post, prompts, topic replies as answers, the summary in the
topic), an overdue reminder delivered to the Feishu person, and Slack and Feishu served at once.

Delivery is bot/feishu/sender.py's (built alongside): these assert what reaches the fake Open Platform."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from sqlmodel import Session, select

from bot.feishu import ids
from handlers.clock import FixedClock
from storage.models import StandupAnswer, StandupRun, Task
from tests.fake_feishu import FakeFeishu
from tests.fake_slack import FakeSlack
from tests.feishu_cards import check_card
from tests.live import eventually, signed_headers, sweep_until
from tests.live_feishu import LiveFeishu

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
ADMIN, PETE, PAUL, ALICE = "ou_admin", "ou_pete", "ou_paul", "ou_alice"


@pytest.fixture
def fake() -> Iterator[FakeFeishu]:
    fake = FakeFeishu().start()
    for open_id, name in ((ADMIN, "admin"), (PETE, "pete"), (PAUL, "paul"), (ALICE, "alice")):
        fake.add_user(open_id, name, time_zone="Asia/Shanghai")
    yield fake
    fake.stop()


@pytest.fixture
def live(file_engine_url: str, fake: FakeFeishu) -> Iterator[LiveFeishu]:
    app = LiveFeishu(file_engine_url, fake, clock=FixedClock(START), mode="http")
    app.say(ADMIN, "dept add production lead @pete tz Asia/Shanghai", mentions={"pete": PETE})
    app.say(ADMIN, "member @paul production", mentions={"paul": PAUL})
    yield app
    app.stop()


def run_until(live: LiveFeishu, until: datetime) -> None:
    sweep_until(live.baton, until)


def sent_to(fake: FakeFeishu, receive_id: str) -> list[str]:
    return [
        str(c.body.get("content")) for c in fake.calls_to("send") if c.body.get("receive_id") == receive_id
    ]


def test_a_stand_up_day_on_feishu(live: LiveFeishu, fake: FakeFeishu) -> None:
    live.say(PETE, "standup setup at 09:30 days mon-fri country CN", direct=False, chat="oc_prod")
    live.say(PETE, "/standup add @paul", direct=False, chat="oc_prod", mentions={"paul": PAUL})
    run_until(live, START + timedelta(minutes=30))  # 09:30: the post opens the topic, everyone is asked
    post = eventually(
        lambda: [c for c in fake.calls_to("send") if c.body.get("receive_id") == "oc_prod"], what="the post"
    )[0]
    prompt = eventually(lambda: sent_to(fake, PAUL), what="paul's prompt")[0]
    assert "oc_prod" not in prompt  # a group is named, never shown by its id
    set_reply = json.dumps([c.body for c in fake.calls_to("ephemeral")], ensure_ascii=False)
    assert "Stand-up set for this group at 09:30" in set_reply and "oc_prod at" not in set_reply
    with Session(live.baton.engine) as session:
        run = session.exec(select(StandupRun)).one()
        assert run.thread  # where the day's post landed
        thread = run.thread
    post_id = thread.removeprefix("fs:")  # our namespace over Feishu's message id
    assert post_id.startswith("om_") and post.endpoint == "send"
    # Paul answers in the post's topic, without mentioning Baton: the reply counts.
    live.say(
        PAUL,
        "Done: checked the seals\nToday: order resin\nBlockers: waiting for parts",
        direct=False,
        to_bot=False,
        chat="oc_prod",
        root_id=post_id,
        parent_id=post_id,
        thread_id=f"omt_{post_id}",
    )
    with Session(live.baton.engine) as session:
        answer = session.exec(select(StandupAnswer)).one()
        assert (answer.user_id, answer.planned, answer.blockers) == (
            "fs:ou_paul",
            "order resin",
            "waiting for parts",
        )
    run_until(live, START + timedelta(hours=3))  # past closing time: the summary, in the topic
    summary = eventually(
        lambda: [c for c in fake.calls_to("reply") if c.path_id == post_id and "paul" in json.dumps(c.body)],
        what="the summary in the topic",
    )[-1]
    # Its blocker's button opens the New task form for the presser alone: the group keeps the summary.
    [value] = [
        v for v in check_card(json.loads(summary.body["content"])) if v["a"] == ids.STANDUP_BLOCKER_ACTION
    ]
    answer = live.press(PETE, value, message_id="om_summary", chat_id="oc_prod")
    assert "card" not in answer
    [(who, form)] = [(w, c) for w, c in fake.cards("ephemeral") if ids.FORM_SUBMIT_ACTION in json.dumps(c)]
    assert who == PETE and "waiting for parts" in json.dumps(form)


def test_a_stand_up_prompt_names_its_group_asked_once(live: LiveFeishu, fake: FakeFeishu) -> None:
    fake.add_chat("oc_prod", "Production floor")
    live.say(PETE, "standup setup at 09:30 days mon-fri country CN", direct=False, chat="oc_prod")
    live.say(
        PETE,
        "/standup add @paul @alice",
        direct=False,
        chat="oc_prod",
        mentions={"paul": PAUL, "alice": ALICE},
    )
    run_until(live, START + timedelta(minutes=30))
    for who in (PAUL, ALICE):
        prompt = eventually(lambda who=who: sent_to(fake, who), what="the prompt")[0]  # type: ignore[misc]
        assert "Production floor" in prompt and "oc_prod" not in prompt
    assert [c.path_id for c in fake.calls_to("chat")] == ["oc_prod"]  # asked once, then remembered


def test_a_group_feishu_will_not_name_is_your_teams_group(live: LiveFeishu, fake: FakeFeishu) -> None:
    live.say(PETE, "standup setup at 09:30 days mon-fri country CN", direct=False, chat="oc_prod")
    live.say(PETE, "/standup add @paul", direct=False, chat="oc_prod", mentions={"paul": PAUL})
    run_until(live, START + timedelta(minutes=30))
    prompt = eventually(lambda: sent_to(fake, PAUL), what="paul's prompt")[0]
    assert "your team's group" in prompt and "oc_prod" not in prompt


def test_an_overdue_reminder_reaches_the_feishu_person(live: LiveFeishu, fake: FakeFeishu) -> None:
    live.say(PETE, 'new Order resin @paul due:"2026-11-23 10:00"', mentions={"paul": PAUL})
    live.say(PAUL, "ack 1")
    run_until(live, START + timedelta(hours=2))  # due at 10:00: overdue from then
    reminder = eventually(
        lambda: [c for c in sent_to(fake, PAUL) if "Order resin" in c], what="the overdue reminder"
    )
    assert "T-1" in reminder[-1] or "Order resin" in reminder[-1]


def test_slack_and_feishu_at_once_each_person_hears_on_their_own_platform(
    file_engine_url: str, fake: FakeFeishu, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("U_SARA", "sara", tz="Asia/Shanghai")
    fake_slack.add_user("U_SID", "sid", tz="Asia/Shanghai")
    app = LiveFeishu(file_engine_url, fake, clock=FixedClock(START), slack=fake_slack)
    try:
        assert app.baton.bolt is not None and app.baton.feishu is not None
        app.say(ADMIN, "dept add production lead @pete tz Asia/Shanghai", mentions={"pete": PETE})
        app.say(ADMIN, "member @paul production", mentions={"paul": PAUL})
        app.say(PETE, "new Order resin @paul", mentions={"paul": PAUL})
        body = urlencode(
            {
                "team_id": "T1",
                "channel_id": "C_GENERAL",
                "channel_name": "general",
                "user_id": "U_SARA",
                "user_name": "sara",
                "command": "/task",
                "text": "new Count stock <@U_SID|sid> #production",
                "trigger_id": "1.2.3",
            }
        )
        answered = app.http.post("/slack/events", content=body.encode(), headers=signed_headers(body))
        assert answered.status_code == 200 and "T-2" in answered.text
        with Session(app.baton.engine) as session:
            owners = [t.owner_id for t in session.exec(select(Task).order_by(Task.id))]
        assert owners == ["fs:ou_paul", "U_SID"]
        eventually(lambda: any("Order resin" in c for c in sent_to(fake, PAUL)), what="paul's card on Feishu")
        eventually(
            lambda: [c for c in fake_slack.dms_to("U_SID") if "Count stock" in json.dumps(c.params)],
            what="sid's card on Slack",
        )
        assert not [c for c in fake_slack.calls_to("chat.postMessage") if "ou_paul" in json.dumps(c.params)]
        assert not [c for c in fake.calls_to("send") if "U_SID" in json.dumps(c.body)]
    finally:
        app.stop()
