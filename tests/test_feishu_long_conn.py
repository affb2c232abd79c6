"""Long-connection mode: the SDK's own websocket client against the fake, events in, acks out."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from bot.feishu.events import BotMenu, CardAction, IncomingEvent, MessageReceived
from bot.feishu.long_conn import LongConnection
from tests import feishu_payloads as p
from tests.fake_feishu import FakeFeishu


class Inbox:
    def __init__(self) -> None:
        self.events: list[IncomingEvent] = []
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def on_event(self, event: IncomingEvent) -> dict[str, Any] | None:
        with self.lock:
            self.events.append(event)
        if isinstance(event, CardAction):
            return {
                "toast": {"type": "info", "content": "done"},
                "card": {"type": "raw", "data": {"schema": "2.0"}},
            }
        return None

    def first_time(self, key: str) -> bool:
        with self.lock:
            new = key not in self.seen
            self.seen.add(key)
            return new

    def wait_for(self, n: int, timeout: float = 10.0) -> list[IncomingEvent]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.events) >= n:
                    return list(self.events)
            time.sleep(0.01)  # polling another thread's result against a deadline
        raise AssertionError(f"expected {n} events, got {len(self.events)}")


@pytest.fixture
def connected() -> Iterator[tuple[FakeFeishu, Inbox, LongConnection]]:
    fake = FakeFeishu().start()
    inbox = Inbox()
    conn = LongConnection(
        app_id=f"cli_{uuid.uuid4().hex[:8]}",
        app_secret="secret",
        domain=fake.url,
        on_event=inbox.on_event,
        first_time=inbox.first_time,
        bot_open_id=lambda: "ou_bot",
    ).start()
    try:
        fake.wait_connected()
        yield fake, inbox, conn
    finally:
        conn.stop()
        fake.stop()


def test_the_sdk_asks_for_the_endpoint_with_the_apps_credentials(
    connected: tuple[FakeFeishu, Inbox, LongConnection],
) -> None:
    fake, _, conn = connected
    (call,) = fake.calls_to("ws_endpoint")
    assert call.body["AppID"] == conn.sdk._app_id and call.body["AppSecret"] == "secret"


def test_a_pushed_message_event_reaches_the_callback_and_is_acked(
    connected: tuple[FakeFeishu, Inbox, LongConnection],
) -> None:
    fake, inbox, _ = connected
    payload = p.message_event(
        "@_user_1 task new Fix login @_user_2",
        mentions=[p.mention("@_user_1", "ou_bot", "Baton"), p.mention("@_user_2", "ou_li", "李雷")],
    )
    frame_id = fake.push_event(payload)
    assert fake.wait_ack(frame_id)["code"] == 200
    (event,) = inbox.wait_for(1)
    assert isinstance(event, MessageReceived)
    assert event.text == "task new Fix login @李雷" and event.mentions_bot
    assert [(m.open_id, m.name) for m in event.mentions] == [("ou_li", "李雷")]


def test_a_card_press_is_answered_through_the_ack(
    connected: tuple[FakeFeishu, Inbox, LongConnection],
) -> None:
    fake, inbox, _ = connected
    frame_id = fake.push_event(
        p.card_action({"a": "task_move", "task": 3, "move": "done"}, form_value={"note": "x"})
    )
    ack = fake.wait_ack(frame_id)
    assert ack["code"] == 200
    answer = json.loads(base64.b64decode(ack["data"]))
    assert answer["toast"] == {"type": "info", "content": "done"}
    (event,) = inbox.wait_for(1)
    assert isinstance(event, CardAction)
    assert (event.operator_open_id, event.action, event.form_value) == ("ou_bob", "task_move", {"note": "x"})


def test_a_repeated_event_id_is_acked_but_handled_once(
    connected: tuple[FakeFeishu, Inbox, LongConnection],
) -> None:
    fake, inbox, _ = connected
    first = fake.push_event(p.bot_menu("new_task", event_id="ev-same"))
    again = fake.push_event(p.bot_menu("new_task", event_id="ev-same"))
    fake.wait_ack(first)
    fake.wait_ack(again)
    later = fake.push_event(p.bot_menu("my_tasks", event_id="ev-next"))
    fake.wait_ack(later)
    events = inbox.wait_for(2)
    assert [e.event_key for e in events if isinstance(e, BotMenu)] == ["new_task", "my_tasks"]
