"""HTTP mode: `POST /feishu/events`, for events and card callbacks alike (SPEC §7).

What Feishu documents ("Configure event subscription" → "Encryption strategy"; lark-oapi's
EventDispatcherHandler does the same checks):
- URL verification: `{"type": "url_verification", "challenge", "token"}` (encrypted when an Encrypt Key
  is set) is answered with `{"challenge": …}` once its token is right.
- With an Encrypt Key the body is `{"encrypt": base64(iv + AES-256-CBC(key = sha256(encrypt_key),
  PKCS7(json)))}` and the request is signed: `X-Lark-Signature` = hex sha256(X-Lark-Request-Timestamp +
  X-Lark-Request-Nonce + encrypt_key + raw body).
- The verification token is `header.token` (schema 2.0) or the top-level `token` (challenge, 1.0).
Beyond the SDK: a signed request older (or newer) than MAX_SKEW is refused as a replay, a plaintext body
is refused when an Encrypt Key is configured, and each `event_id` is handled once (Feishu retries an
event it thinks failed; a second replica may get it too).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from lark_oapi.core.utils import AESCipher
from sqlalchemy.engine import Engine

from bot.feishu.events import IncomingEvent, UnknownEvent, parse_event
from handlers.clock import Clock

log = logging.getLogger("baton.feishu")

PATH = "/feishu/events"
MAX_SKEW = timedelta(minutes=5)
MAX_BODY = 1_000_000

OnEvent = Callable[[IncomingEvent], dict[str, Any] | None]
FirstTime = Callable[[str], bool]


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: dict[str, Any] = field(default_factory=dict)

    def encoded(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode()


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def sign(*, timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    """Feishu's request signature (also used by the tests to sign like Feishu does)."""
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


def decrypt(encrypted: str, encrypt_key: str) -> dict[str, Any]:
    return json.loads(AESCipher(encrypt_key).decrypt_str(encrypted))


def dedupe_in(engine: Engine, clock: Clock) -> FirstTime:
    """`first_time` backed by the processed-event table, shared by every replica (as Slack's is)."""
    from handlers.interactions import first_time

    return lambda key: first_time(engine, key=key, clock=clock)


class FeishuEvents:
    def __init__(
        self,
        *,
        verification_token: str,
        encrypt_key: str | None,
        on_event: OnEvent,
        first_time: FirstTime,
        clock: Clock,
        bot_open_id: Callable[[], str | None] = lambda: None,
    ) -> None:
        if not verification_token:
            raise ValueError("http mode needs FEISHU_VERIFICATION_TOKEN")
        self.verification_token = verification_token
        self.encrypt_key = encrypt_key or None
        self.on_event = on_event
        self.first_time = first_time
        self.clock = clock
        self.bot_open_id = bot_open_id

    def handle(self, body: bytes, headers: Mapping[str, str]) -> HttpReply:
        """One request to POST /feishu/events: the reply to send back (status and JSON body)."""
        try:
            return self._handle(body, {k.lower(): v for k, v in headers.items()})
        except Refused as err:
            log.warning("refused a Feishu request: %s", err.reason)
            return HttpReply(err.status, {"msg": err.reason})

    def _handle(self, body: bytes, headers: dict[str, str]) -> HttpReply:
        if len(body) > MAX_BODY:
            raise Refused(413, "payload too large")
        outer = _json(body)
        if "encrypt" in outer:
            if self.encrypt_key is None:
                raise Refused(400, "encrypted body but FEISHU_ENCRYPT_KEY is not set")
            try:
                payload = decrypt(str(outer["encrypt"]), self.encrypt_key)
            except (ValueError, TypeError, KeyError):
                raise Refused(400, "cannot decrypt the body (wrong FEISHU_ENCRYPT_KEY?)") from None
        else:
            if self.encrypt_key is not None:
                raise Refused(401, "plaintext body while an Encrypt Key is configured")
            payload = outer

        if payload.get("type") == "url_verification":
            self._check_token(payload.get("token"))
            return HttpReply(200, {"challenge": payload.get("challenge", "")})

        if self.encrypt_key is not None:
            self._check_signature(body, headers)
        self._check_token((payload.get("header") or {}).get("token") or payload.get("token"))

        event_id = (payload.get("header") or {}).get("event_id") or payload.get("uuid")
        if event_id and not self.first_time(f"feishu:event:{event_id}"):
            return HttpReply(200, {})  # already handled (a retry, or another replica had it)
        try:
            event = parse_event(payload, bot_open_id=self.bot_open_id())
        except UnknownEvent as err:
            log.info("ignored a Feishu event: %s", err)
            return HttpReply(200, {})  # answered, so that Feishu does not retry it
        answer = self.on_event(event)
        return HttpReply(200, answer if answer is not None else {})

    def _check_token(self, token: object) -> None:
        if not isinstance(token, str) or not hmac.compare_digest(
            token.encode(), self.verification_token.encode()
        ):
            raise Refused(401, "invalid verification token")

    def _check_signature(self, body: bytes, headers: dict[str, str]) -> None:
        assert self.encrypt_key is not None
        timestamp = headers.get("x-lark-request-timestamp", "")
        nonce = headers.get("x-lark-request-nonce", "")
        signature = headers.get("x-lark-signature", "")
        if not (timestamp and nonce and signature):
            raise Refused(401, "unsigned request")
        expected = sign(timestamp=timestamp, nonce=nonce, encrypt_key=self.encrypt_key, body=body)
        if not hmac.compare_digest(expected, signature):
            raise Refused(401, "signature verification failed")
        try:
            sent = int(timestamp)
        except ValueError:
            raise Refused(401, "malformed X-Lark-Request-Timestamp") from None
        if abs(self.clock().timestamp() - sent) > MAX_SKEW.total_seconds():
            raise Refused(401, "stale request (timestamp too far from now): possible replay")


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise Refused(400, "body is not JSON") from None
    if not isinstance(data, dict):
        raise Refused(400, "body is not a JSON object")
    return data
