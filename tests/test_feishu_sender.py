"""Delivering to Feishu: where each message lands (direct, group, topic, ephemeral, patched in place), its
pacing, and faults through the real delivery worker with every message delivered exactly once."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.feishu import ids
from bot.feishu.api import FeishuApi, build_client
from bot.feishu.sender import PER_RECIPIENT, FeishuSender
from handlers.clock import FixedClock
from handlers.context import Config
from handlers.home import Home
from handlers.outgoing import (
    Digest,
    HomeView,
    Landed,
    Notice,
    Origin,
    Outgoing,
    PrivateNote,
    Reader,
    TaskItem,
    Where,
)
from handlers.ports import Hold, Undeliverable
from handlers.results import Text
from handlers.runner import Here, Runner
from scheduler.delivery import DeliveryWorker
from scheduler.sweep import sweep
from storage.db import unit_of_work
from storage.models import Department, Member, OutboxMessage
from tests.fake_feishu import FakeFeishu
from tests.feishu_cards import card_text, check_card
from tests.test_feishu_render import txt, view

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 20, 3, 30, tzinfo=UTC)  # 11:30 in Shanghai: T-1 is overdue
SHANGHAI = ZoneInfo("Asia/Shanghai")
FS = {name: f"fs:ou_{name}" for name in ("alice", "pete", "sam", "admin")}
CONFIG = Config(admins=frozenset({FS["admin"]}), default_tz="UTC")


@pytest.fixture
def fake() -> Iterator[FakeFeishu]:
    server = FakeFeishu().start()
    yield server
    server.stop()


def make_api(fake: FakeFeishu) -> FeishuApi:
    # lark-oapi caches tenant tokens per app id process-wide: a fresh id per test.
    return FeishuApi(
        build_client(app_id=f"cli_{uuid.uuid4().hex[:8]}", app_secret="s", domain=fake.url, timeout=2)
    )


def message(body: object, where: Where, *, row_id: int = 0) -> Outgoing:
    return Outgoing(
        where=where,
        reader=Reader(FS["pete"], "en", SHANGHAI, "pete"),
        body=body,  # type: ignore[arg-type]
        now=NOW,
        origin=Origin(row_id, "dm", "test", where.conversation),
        names={FS["pete"]: "pete"},
    )


NOTE = PrivateNote(Text("snoozed_ok", {"task_id": 7, "until": NOW}))


def test_a_card_whose_press_is_being_answered_is_patched_only_after_the_answer(fake: FakeFeishu) -> None:
    from bot.feishu.cards import message_card
    from bot.feishu.shown import ShownCards
    from handlers.ports import Hold

    shown = ShownCards()
    sender = FeishuSender(make_api(fake), clock=FixedClock(NOW), shown=shown)
    post = sender.deliver(message(NOTE, Where("fs:oc_sales")))
    assert post is not None
    update = message(NOTE, Where("fs:oc_sales", update=post.message_id))
    shown.answering(post.message_id)  # a press on it is being answered, perhaps with this very card
    with pytest.raises(Hold):
        sender.deliver(update)
    shown.put(post.message_id, message_card(update))  # the answer showed it
    assert sender.deliver(update) == post
    assert fake.calls_to("patch") == []  # neither raced the answer nor repeated it
    shown.answering(post.message_id)
    shown.forget(post.message_id)  # an answer without the card, or too late: the PATCH goes
    assert sender.deliver(update) == post
    assert len(fake.calls_to("patch")) == 1


def test_each_where_lands_where_it_should(fake: FakeFeishu) -> None:
    sender = FeishuSender(make_api(fake), clock=FixedClock(NOW))
    dm = sender.deliver(message(NOTE, Where(FS["pete"], direct=True), row_id=1))
    assert dm is not None and dm.conversation == "fs:oc_p2p_ou_pete" and dm.message_id.startswith("fs:om_")
    post = sender.deliver(message(NOTE, Where("fs:oc_sales")))
    assert post == Landed("fs:oc_sales", post.message_id if post else "")
    topic = sender.deliver(message(NOTE, Where("fs:oc_sales", thread=post.message_id if post else None)))
    assert topic is not None and topic.conversation == "fs:oc_sales"
    patched = sender.deliver(message(NOTE, Where("fs:oc_sales", update=post.message_id if post else None)))
    assert patched == post
    assert sender.deliver(message(NOTE, Where("fs:oc_sales", only_for=FS["pete"]))) is None
    assert sender.deliver(message(HomeView(Home((), None)), Where(FS["pete"], direct=True))) is None

    (to_person, to_group, home) = fake.calls_to("send")
    assert to_person.query == {"receive_id_type": "open_id"} and to_person.body["receive_id"] == "ou_pete"
    assert to_person.body["uuid"] == "baton-outbox-1"  # a resend within the hour is sent once
    assert to_group.query == {"receive_id_type": "chat_id"} and to_group.body["receive_id"] == "oc_sales"
    assert home.body["receive_id"] == "ou_pete"
    (reply,) = fake.calls_to("reply")
    assert (
        reply.path_id == ids.theirs(post.message_id if post else "") and reply.body["reply_in_thread"] is True
    )
    assert fake.calls_to("patch")[0].path_id == ids.theirs(post.message_id if post else "")
    assert fake.calls_to("ephemeral")[0].body["open_id"] == "ou_pete"
    for endpoint in ("send", "reply", "patch", "ephemeral"):
        for _, card in fake.cards(endpoint):
            check_card(card)


def test_a_card_that_cannot_be_patched_is_posted_anew_or_given_up(fake: FakeFeishu) -> None:
    sender = FeishuSender(make_api(fake), clock=FixedClock(NOW))
    fake.fail("patch", code=230031, status=400)  # older than 14 days (or gone)
    landed = sender.deliver(message(NOTE, Where("fs:oc_sales", update="fs:om_old")))
    assert landed is not None and landed.message_id != "fs:om_old"
    assert [c.body["receive_id"] for c in fake.calls_to("send")] == ["oc_sales"]
    fake.fail("patch", code=230011, status=400)  # recalled; a pressed message is not re-posted
    with pytest.raises(Undeliverable):
        sender.deliver(
            message(NOTE, Where("fs:oc_p2p_x", direct=True, update="fs:om_old", post_if_gone=False))
        )
    assert len(fake.calls_to("send")) == 1


def test_a_private_note_where_feishu_allows_none_is_a_direct_message(fake: FakeFeishu) -> None:
    sender = FeishuSender(make_api(fake), clock=FixedClock(NOW))
    fake.fail("ephemeral", code=230002, status=400)  # e.g. the bot is not in that group
    sender.deliver(message(NOTE, Where("fs:oc_topics", only_for=FS["pete"])))
    sender.deliver(message(NOTE, Where(FS["pete"], direct=True, only_for=FS["pete"])))
    assert [c.body["receive_id"] for c in fake.calls_to("send")] == ["ou_pete", "ou_pete"]
    assert fake.calls_to("ephemeral") == []


def test_pacing_holds_a_busy_recipient_until_time_passes(fake: FakeFeishu) -> None:
    clock = FixedClock(NOW)
    sender = FeishuSender(make_api(fake), clock=clock)
    for _ in range(PER_RECIPIENT):
        sender.deliver(message(NOTE, Where("fs:oc_sales")))
    with pytest.raises(Hold):
        sender.deliver(message(NOTE, Where("fs:oc_sales")))
    sender.deliver(message(NOTE, Where("fs:oc_other")))  # another group is not held
    clock.advance(timedelta(seconds=1))
    sender.deliver(message(NOTE, Where("fs:oc_sales")))
    assert len(fake.calls_to("send")) == PER_RECIPIENT + 2


def test_a_digest_goes_as_one_card_with_its_buttons(fake: FakeFeishu) -> None:
    sender = FeishuSender(make_api(fake), clock=FixedClock(NOW))
    items = tuple(TaskItem(view(i), ("done", "block"), snooze=True) for i in range(3))
    sender.deliver(message(Digest(Text("n_overdue", {"count": 3}), items), Where(FS["pete"], direct=True)))
    ((to, card),) = fake.cards("send")
    values = check_card(card)
    assert to == "ou_pete" and {v["task"] for v in values} == {0, 1, 2}
    assert "You have 3 overdue tasks" in card_text(card)


# -- through the delivery worker --------------------------------------------------------------------


def company(engine: Engine, clock: FixedClock, people: dict[str, str], channels: dict[str, str]) -> None:
    """sales (lead alice, with sam) and production (lead pete), under the ids given."""
    with unit_of_work(engine) as session:
        depts = {}
        for dept, lead in (("sales", "alice"), ("production", "pete")):
            row = Department(
                name=dept, lead_id=people[lead], channel_id=channels[dept], sla_hours=4, created_at=clock()
            )
            session.add(row)
            session.flush()
            depts[dept] = row.id
        for name, dept in (("alice", "sales"), ("sam", "sales"), ("pete", "production"), ("admin", None)):
            session.add(
                Member(
                    user_id=people[name],
                    name=name,
                    department_id=depts.get(dept) if dept else None,
                    tz="Asia/Shanghai",
                    locale="en-US",
                    profile_checked_at=clock(),
                )
            )


def act(engine: Engine, clock: FixedClock, people: dict[str, str], who: str, text: str, channel: str) -> None:
    runner = Runner(engine, CONFIG, clock)
    outcome = runner.task(runner.identify(people[who], who), text, Here(channel_id=channel))
    assert outcome.ok, outcome.reply.text


def rows(engine: Engine) -> list[tuple[str, str, str, str]]:
    with Session(engine) as session:
        found = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(r.kind, r.recipient, r.event, r.status) for r in found]


def run_until_settled(worker: DeliveryWorker, clock: FixedClock, engine: Engine, *, steps: int = 40) -> None:
    for _ in range(steps):
        worker.deliver_due()
        if all(status != "pending" for *_, status in rows(engine)):
            return
        clock.advance(timedelta(seconds=15))
    raise AssertionError(f"still pending: {rows(engine)}")


def sent_once(fake: FakeFeishu) -> Counter[str]:
    uuids = Counter(c.body.get("uuid") for e in ("send", "reply") for c in fake.calls_to(e))
    assert all(n == 1 for n in uuids.values()), uuids
    return uuids


def test_a_task_life_on_feishu_through_the_worker_with_faults(engine: Engine, fake: FakeFeishu) -> None:
    clock = FixedClock(NOW)
    channels = {"sales": "fs:oc_sales", "production": "fs:oc_production"}
    company(engine, clock, FS, channels)
    worker = DeliveryWorker(engine, FeishuSender(make_api(fake), clock=clock), clock, config=CONFIG)
    fake.fail("send", code=99991400, status=429, headers={"x-ogw-ratelimit-reset": "3"})  # the app: slow down
    fake.fail("send", status=502)  # a gateway's error page
    fake.fail("send", refuse=True)  # the connection drops
    act(engine, clock, FS, "alice", "new Check the seals @pete due:2026-11-19", "fs:oc_sales")
    run_until_settled(worker, clock, engine)
    act(engine, clock, FS, "pete", "ack 1", "fs:oc_production")
    run_until_settled(worker, clock, engine)
    clock.set(LATER)
    sweep(engine, now=clock(), default_tz="UTC")
    run_until_settled(worker, clock, engine)

    assert {status for *_, status in rows(engine)} <= {"sent", "gathered", "superseded"}
    assert fake.faults["send"] == []  # every fault was met, and waited out
    sent_once(fake)
    assert [c.path_id for c in fake.calls_to("patch")]  # the group's card, brought up to date in place
    sends = fake.cards("send")
    assert all(to.startswith(("ou_", "oc_")) for to, _ in sends)
    assert any(to == "ou_pete" and "asked you to do T-1" in card_text(c) for to, c in sends)
    digest = [c for to, c in sends if to == "ou_pete" and "overdue" in card_text(c)]
    assert digest and {"a": ids.SNOOZE_ACTION, "task": 1} in check_card(digest[-1])
    for _, card in sends + fake.cards("patch") + fake.cards("reply"):
        check_card(card)
    with Session(engine) as session:  # where things landed is stored namespaced, for updates and threads
        landed = [r for r in session.exec(select(OutboxMessage)).all() if r.sent_ts]
        assert landed and all(r.sent_ts.startswith("fs:om_") for r in landed if r.sent_ts)


def test_bot_not_in_the_group_is_reported_to_the_requester(engine: Engine, fake: FakeFeishu) -> None:
    clock = FixedClock(NOW)
    company(engine, clock, FS, {"sales": "fs:oc_sales", "production": "fs:oc_production"})
    worker = DeliveryWorker(engine, FeishuSender(make_api(fake), clock=clock), clock, config=CONFIG)
    fake.fail("send", code=230002, status=400, receive_id="oc_sales", times=5)
    act(engine, clock, FS, "alice", "new Check the seals @pete", "fs:oc_sales")
    run_until_settled(worker, clock, engine)
    failed = [r for r in rows(engine) if r[3] == "failed"]
    assert failed and all(r[1] == "fs:oc_sales" for r in failed)
    reports = [r for r in rows(engine) if r[2] == "undeliverable"]
    assert reports and all(r[3] == "sent" and r[1] in (FS["alice"], FS["pete"]) for r in reports)
    sent_once(fake)


def test_slack_and_feishu_at_once_each_person_hears_on_their_own_platform(
    engine: Engine, fake: FakeFeishu, fake_slack: object
) -> None:
    from bot.app import web_client
    from bot.router import PlatformRouter
    from bot.settings import Settings
    from bot.slack.sender import SlackSender
    from tests.fake_slack import FakeSlack

    assert isinstance(fake_slack, FakeSlack)
    clock = FixedClock(NOW)
    people = {"alice": "U_ALICE", "sam": "U_SAM", "admin": "U_ADMIN", "pete": FS["pete"]}
    company(engine, clock, people, {"sales": "C_SALES", "production": "fs:oc_production"})
    fake_slack.add_user("U_ALICE", "alice", tz="Asia/Shanghai")
    settings = Settings(SLACK_BOT_TOKEN="xoxb-t", SLACK_API_URL=fake_slack.url)  # type: ignore[call-arg]
    router = PlatformRouter(
        {"slack": SlackSender(web_client(settings)), "feishu": FeishuSender(make_api(fake), clock=clock)}
    )
    worker = DeliveryWorker(engine, router, clock, config=CONFIG)
    act(engine, clock, people, "alice", "new Check the seals @pete", "C_SALES")
    run_until_settled(worker, clock, engine)
    act(engine, clock, people, "pete", "done 1", "fs:oc_production")
    run_until_settled(worker, clock, engine)

    assert {status for *_, status in rows(engine)} <= {"sent", "gathered", "superseded"}
    feishu_to = {to for to, _ in fake.cards("send")}
    slack_to = {c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")}
    assert feishu_to == {"ou_pete"}  # the channel card lives in Slack, where alice filed it
    assert "U_ALICE" in slack_to and not any(ids.is_feishu(c) or c.startswith("ou_") for c in slack_to)
    assert not any(to.startswith("U_") for to in feishu_to)


def test_a_platform_not_configured_is_undeliverable() -> None:
    from bot.router import PlatformRouter

    router = PlatformRouter({})
    with pytest.raises(Undeliverable, match="feishu is not configured"):
        router.deliver(message(NOTE, Where(FS["pete"], direct=True)))
    with pytest.raises(Undeliverable, match="slack is not configured"):
        router.deliver(replace(message(NOTE, Where("U_X", direct=True))))


def test_notice_json_is_compact_enough_for_feishu(fake: FakeFeishu) -> None:
    sender = FeishuSender(make_api(fake), clock=FixedClock(NOW))
    sender.deliver(message(Notice(txt("n_comment")), Where("fs:oc_x")))
    (call,) = fake.calls_to("send")
    assert (
        len(call.body["content"].encode()) < 30 * 1024 and json.loads(call.body["content"])["schema"] == "2.0"
    )


def test_senders_for_builds_a_sender_per_platform_configured() -> None:
    from bot.router import PlatformRouter, senders_for
    from bot.settings import Settings
    from bot.slack.sender import SlackSender

    both = senders_for(
        Settings(SLACK_BOT_TOKEN="xoxb-t", FEISHU_APP_ID="cli_x", FEISHU_APP_SECRET="s"),  # type: ignore[call-arg]
        clock=FixedClock(NOW),
    )
    assert isinstance(both, PlatformRouter)
    assert isinstance(both.senders["slack"], SlackSender) and isinstance(both.senders["feishu"], FeishuSender)
    only_feishu = senders_for(Settings(FEISHU_APP_ID="cli_x", FEISHU_APP_SECRET="s"), clock=FixedClock(NOW))  # type: ignore[call-arg]
    assert isinstance(only_feishu, PlatformRouter) and set(only_feishu.senders) == {"feishu"}
