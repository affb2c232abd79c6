"""POST /feishu/events: challenge, token, signature, encryption, replays, repeats (SPEC §7)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.feishu.events import CardAction, IncomingEvent, MessageReceived
from bot.feishu.http import FeishuEvents, dedupe_in
from handlers.clock import FixedClock
from tests import feishu_payloads as p

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


class Recorder:
    def __init__(self) -> None:
        self.events: list[IncomingEvent] = []
        self.seen: set[str] = set()

    def on_event(self, event: IncomingEvent) -> dict[str, Any] | None:
        self.events.append(event)
        if isinstance(event, CardAction):
            return {"toast": {"type": "success", "content": "ok"}}
        return None

    def first_time(self, key: str) -> bool:
        new = key not in self.seen
        self.seen.add(key)
        return new


def endpoint(
    rec: Recorder, *, encrypt_key: str | None = p.ENCRYPT_KEY, clock: FixedClock | None = None
) -> FeishuEvents:
    return FeishuEvents(
        verification_token=p.TOKEN,
        encrypt_key=encrypt_key,
        on_event=rec.on_event,
        first_time=rec.first_time,
        clock=clock or FixedClock(NOW),
        bot_open_id=lambda: "ou_bot",
    )


def encrypted_request(payload: dict[str, Any], *, at: datetime = NOW) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(p.encrypt(payload)).encode()
    return body, p.signed_headers(body, timestamp=int(at.timestamp()))


def test_url_verification_is_answered_encrypted_and_plain() -> None:
    rec = Recorder()
    challenge = {"challenge": "ch-42", "token": p.TOKEN, "type": "url_verification"}
    body = json.dumps(p.encrypt(challenge)).encode()
    reply = endpoint(rec).handle(body, {})
    assert (reply.status, reply.body) == (200, {"challenge": "ch-42"})
    plain = endpoint(rec, encrypt_key=None).handle(json.dumps(challenge).encode(), {})
    assert (plain.status, plain.body) == (200, {"challenge": "ch-42"})
    assert rec.events == []


def test_challenge_with_a_wrong_token_is_refused() -> None:
    rec = Recorder()
    body = json.dumps({"challenge": "x", "token": "forged", "type": "url_verification"}).encode()
    reply = endpoint(rec, encrypt_key=None).handle(body, {})
    assert reply.status == 401 and "challenge" not in reply.body


def test_an_encrypted_signed_event_is_decrypted_parsed_and_handed_over() -> None:
    rec = Recorder()
    payload = p.message_event("@_user_1 task list", mentions=[p.mention("@_user_1", "ou_bot", "Baton")])
    reply = endpoint(rec).handle(*encrypted_request(payload))
    assert reply.status == 200
    (event,) = rec.events
    assert isinstance(event, MessageReceived)
    assert (event.text, event.mentions_bot, event.sender_open_id) == ("task list", True, "ou_alice")


def test_a_card_press_gets_the_callbacks_answer() -> None:
    rec = Recorder()
    reply = endpoint(rec).handle(
        *encrypted_request(p.card_action({"a": "task_move", "task": 7, "move": "ack"}))
    )
    assert reply.body == {"toast": {"type": "success", "content": "ok"}}
    assert isinstance(rec.events[0], CardAction) and rec.events[0].value["task"] == 7


@pytest.mark.parametrize(
    "tamper",
    ["signature", "body", "nonce", "unsigned"],
)
def test_forged_requests_are_refused(tamper: str) -> None:
    rec = Recorder()
    body, headers = encrypted_request(p.message_event("task list"))
    if tamper == "signature":
        headers["X-Lark-Signature"] = "0" * 64
    elif tamper == "body":
        body = json.dumps(p.encrypt(p.message_event("task cancel 1 all"))).encode()
    elif tamper == "nonce":
        headers["X-Lark-Request-Nonce"] = "other"
    else:
        headers = {"Content-Type": "application/json"}
    reply = endpoint(rec).handle(body, headers)
    assert reply.status == 401
    assert rec.events == []


def test_encrypted_with_another_key_is_refused() -> None:
    rec = Recorder()
    body = json.dumps(p.encrypt(p.message_event("task list"), key="not-the-key")).encode()
    reply = endpoint(rec).handle(body, p.signed_headers(body, timestamp=int(NOW.timestamp())))
    assert reply.status == 400 and rec.events == []


def test_a_wrong_verification_token_inside_the_event_is_refused() -> None:
    rec = Recorder()
    payload = p.message_event("task list")
    payload["header"]["token"] = "forged"
    assert endpoint(rec).handle(*encrypted_request(payload)).status == 401
    assert endpoint(rec, encrypt_key=None).handle(json.dumps(payload).encode(), {}).status == 401
    assert rec.events == []


@pytest.mark.parametrize("age", [timedelta(minutes=6), timedelta(minutes=-6), timedelta(days=1)])
def test_stale_or_future_requests_are_refused_as_replays(age: timedelta) -> None:
    rec = Recorder()
    reply = endpoint(rec).handle(*encrypted_request(p.message_event("task list"), at=NOW - age))
    assert reply.status == 401 and "stale" in reply.body["msg"]
    assert rec.events == []


def test_a_request_a_few_seconds_old_is_fine() -> None:
    rec = Recorder()
    reply = endpoint(rec).handle(
        *encrypted_request(p.message_event("task list"), at=NOW - timedelta(seconds=40))
    )
    assert reply.status == 200 and len(rec.events) == 1


def test_plaintext_is_refused_when_an_encrypt_key_is_configured() -> None:
    rec = Recorder()
    body = json.dumps(p.message_event("task list")).encode()
    reply = endpoint(rec).handle(body, p.signed_headers(body, timestamp=int(NOW.timestamp())))
    assert reply.status == 401 and rec.events == []


def test_plaintext_mode_checks_the_token_and_hands_over() -> None:
    rec = Recorder()
    reply = endpoint(rec, encrypt_key=None).handle(json.dumps(p.bot_menu("my_tasks")).encode(), {})
    assert reply.status == 200 and len(rec.events) == 1


def test_not_json_is_a_bad_request() -> None:
    rec = Recorder()
    assert endpoint(rec).handle(b"<html>", {}).status == 400


def test_an_unsubscribed_event_is_acknowledged_and_ignored() -> None:
    rec = Recorder()
    payload = {"schema": "2.0", "header": p.header("im.chat.disbanded_v1", "ev-x"), "event": {}}
    reply = endpoint(rec, encrypt_key=None).handle(json.dumps(payload).encode(), {})
    assert reply.status == 200 and rec.events == []


def test_a_repeated_event_id_is_handled_once_in_the_database(engine: Engine) -> None:
    clock = FixedClock(NOW)
    rec = Recorder()
    shared = dedupe_in(engine, clock)
    replicas = [
        FeishuEvents(
            verification_token=p.TOKEN,
            encrypt_key=p.ENCRYPT_KEY,
            on_event=rec.on_event,
            first_time=shared,
            clock=clock,
        )
        for _ in range(2)
    ]
    payload = p.message_event("task list", event_id="ev-dup")
    for replica in replicas + replicas:  # Feishu retries; another replica gets it too
        assert replica.handle(*encrypted_request(payload)).status == 200
    assert len(rec.events) == 1
    other = p.message_event("task list", event_id="ev-other")
    replicas[0].handle(*encrypted_request(other))
    assert len(rec.events) == 2
