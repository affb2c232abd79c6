"""A thin client over lark-oapi's `Client`: send, reply in thread, patch, ephemeral cards, contact users.

It answers where a message landed (`Sent`) and turns every failure into the neutral delivery outcomes of
handlers/ports.py, so the one delivery worker treats Feishu as it treats Slack. Requests are built with
the SDK's typed builders and run through `Client.request`, which keeps the HTTP status and headers
(the typed calls throw those away when the body is not JSON, e.g. a 502 from a proxy).

Error codes (Open Platform "Server-side error codes", "Frequency control", and the error tables of
"Send message" / "Reply to message" / "Update app message card"):
- 99991400 "request trigger frequency limit", HTTP 429, `x-ogw-ratelimit-reset: <seconds>` → the app is
  over its quota: RetryLater(pause_all).
- 230020 "This operation triggers the frequency limit" (5 messages/s per user and per group) → only that
  recipient waits: RetryLater, not pause_all.  [code from the send-message error table, not re-verified]
- 230002 "The bot can not be outside the group" → Undeliverable (documented).
- 230013 "Bot has NO availability to this user" (outside the app's availability, or resigned),
  230006 bot ability not activated, 230011 message recalled, 230099 card content rejected,
  232009/232011 chat dissolved/not found → Undeliverable.  [codes from memory of the docs' tables]
- 99991661/99991663/99991668 tenant access token missing/invalid/expired → drop the cached token,
  RetryLater(0).
- HTTP 5xx, timeouts, refused connections → RetryLater.
Anything else is a request Baton got wrong: FeishuError (the worker logs it and gives up on the message).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import lark_oapi as lark
import requests
from lark_oapi.api.contact.v3 import GetUserRequest
from lark_oapi.api.im.v1 import (
    CreateMessageRequest,
    CreateMessageRequestBody,
    GetChatRequest,
    GetMessageRequest,
    PatchMessageRequest,
    PatchMessageRequestBody,
    ReplyMessageRequest,
    ReplyMessageRequestBody,
)
from lark_oapi.core.exception import ObtainAccessTokenException
from lark_oapi.core.model import BaseRequest, RequestOption
from lark_oapi.core.token.manager import TokenManager

from handlers.ports import RetryLater, Undeliverable

log = logging.getLogger("baton.feishu")

RATE_LIMITED = 99991400
PER_RECIPIENT_LIMIT = 230020
TOKEN_INVALID = frozenset({99991661, 99991663, 99991668})
UNDELIVERABLE = {
    230002: "the bot is not in this chat",
    230006: "the app's bot ability is not enabled",
    230011: "the message was recalled",
    230013: "the bot is not available to this user (outside the app's availability, or resigned)",
    230099: "Feishu refused the card's content",
    232009: "the chat was dissolved",
    232011: "the chat was not found",
}
EPHEMERAL_URI = "/open-apis/ephemeral/v1/send"
EPHEMERAL_DELETE_URI = "/open-apis/ephemeral/v1/delete"
BOT_INFO_URI = "/open-apis/bot/v3/info"
DEFAULT_TIMEOUT = 10.0


class FeishuError(Exception):
    """Feishu refused a request for a reason retrying will not fix (a bad id, a malformed card…)."""

    def __init__(self, code: int | None, msg: str, *, status: int | None = None) -> None:
        super().__init__(f"Feishu error {code} (HTTP {status}): {msg}")
        self.code = code
        self.msg = msg
        self.status = status


@dataclass(frozen=True)
class Sent:
    """Where a message landed: its id, its chat, and the topic it opened or joined (if any)."""

    message_id: str
    chat_id: str | None = None
    thread_id: str | None = None
    root_id: str | None = None


@dataclass(frozen=True)
class Message:
    """A message fetched back (the one a "task" reply quotes). Its mentions are {key, id, name} with
    `id` the open_id itself (this API's shape, unlike the receive event's id object)."""

    message_id: str
    chat_id: str | None
    msg_type: str
    content: str
    sender_id: str
    mentions: tuple[dict[str, Any], ...] = ()
    root_id: str | None = None  # the first message of its topic / reply chain, when it is a reply
    sender_type: str = "user"  # "user" for people, "app" for bots


@dataclass(frozen=True)
class FeishuUser:
    open_id: str
    name: str
    en_name: str | None = None
    time_zone: str | None = None
    department_ids: tuple[str, ...] = ()
    job_title: str | None = None
    is_tenant_manager: bool = False
    is_resigned: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def build_client(
    *, app_id: str, app_secret: str, domain: str, timeout: float = DEFAULT_TIMEOUT
) -> lark.Client:
    return (
        lark.Client.builder()
        .app_id(app_id)
        .app_secret(app_secret)
        .domain(domain)
        .timeout(timeout)
        .log_level(lark.LogLevel.WARNING)
        .build()
    )


class FeishuApi:
    def __init__(self, client: lark.Client) -> None:
        self.sdk = client

    # -- messages -------------------------------------------------------------------------------

    def send(
        self,
        *,
        receive_id: str,
        receive_id_type: str,
        msg_type: str,
        content: dict[str, Any],
        uuid: str | None = None,
    ) -> Sent:
        """A new message to a person (`open_id`) or a chat (`chat_id`). `uuid` makes a resend harmless:
        Feishu sends one message per uuid within an hour (the outbox row's id fits)."""
        body = CreateMessageRequestBody.builder().receive_id(receive_id).msg_type(msg_type)
        body = body.content(json.dumps(content, ensure_ascii=False))
        if uuid:
            body = body.uuid(uuid[:50])
        request = CreateMessageRequest.builder().receive_id_type(receive_id_type).request_body(body.build())
        return self._sent(self._call(request.build(), "send"))

    def send_to_user(
        self, open_id: str, *, msg_type: str, content: dict[str, Any], uuid: str | None = None
    ) -> Sent:
        return self.send(
            receive_id=open_id, receive_id_type="open_id", msg_type=msg_type, content=content, uuid=uuid
        )

    def send_to_chat(
        self, chat_id: str, *, msg_type: str, content: dict[str, Any], uuid: str | None = None
    ) -> Sent:
        return self.send(
            receive_id=chat_id, receive_id_type="chat_id", msg_type=msg_type, content=content, uuid=uuid
        )

    def reply(
        self,
        message_id: str,
        *,
        msg_type: str,
        content: dict[str, Any],
        in_thread: bool = False,
        uuid: str | None = None,
    ) -> Sent:
        """A reply to a message; `in_thread` makes it a topic reply (stand-up answers, task news)."""
        body = ReplyMessageRequestBody.builder().msg_type(msg_type)
        body = body.content(json.dumps(content, ensure_ascii=False)).reply_in_thread(in_thread)
        if uuid:
            body = body.uuid(uuid[:50])
        request = ReplyMessageRequest.builder().message_id(message_id).request_body(body.build()).build()
        return self._sent(self._call(request, "reply"))

    def patch_card(self, message_id: str, card: dict[str, Any]) -> None:
        """Update a card in place (a shared card needs `config.update_multi`; 14 days at most)."""
        body = PatchMessageRequestBody.builder().content(json.dumps(card, ensure_ascii=False)).build()
        self._call(PatchMessageRequest.builder().message_id(message_id).request_body(body).build(), "patch")

    def send_ephemeral(self, *, chat_id: str, open_id: str, card: dict[str, Any]) -> Sent:
        """A card only `open_id` sees, in a group ("Send ephemeral message card"; not in p2p chats)."""
        request = (
            BaseRequest.builder()
            .http_method(lark.HttpMethod.POST)
            .uri(EPHEMERAL_URI)
            .token_types({lark.AccessTokenType.TENANT})
            .body({"chat_id": chat_id, "open_id": open_id, "msg_type": "interactive", "card": card})
            .build()
        )
        data = self._call(request, "ephemeral")
        return Sent(message_id=str(data.get("message_id") or ""), chat_id=chat_id)

    def delete_ephemeral(self, message_id: str) -> None:
        """Remove a card only one person saw, once they are done with it ("Delete ephemeral message card")."""
        request = (
            BaseRequest.builder()
            .http_method(lark.HttpMethod.POST)
            .uri(EPHEMERAL_DELETE_URI)
            .token_types({lark.AccessTokenType.TENANT})
            .body({"message_id": message_id})
            .build()
        )
        self._call(request, "delete ephemeral")

    def message(self, message_id: str) -> Message | None:
        """A message's text and sender ("Obtain the content of a specified message", GET
        /open-apis/im/v1/messages/:message_id: data.items[0].{msg_type, body.content, sender, mentions,
        root_id}), or None when it is gone or out of the bot's reach."""
        try:
            data = self._call(GetMessageRequest.builder().message_id(message_id).build(), "get message")
        except (FeishuError, Undeliverable, RetryLater) as err:
            log.warning("could not read message %s: %s", message_id, err)
            return None
        items = data.get("items") or []
        if not items:
            return None
        item = items[0]
        return Message(
            message_id=str(item.get("message_id") or message_id),
            chat_id=item.get("chat_id") or None,
            msg_type=str(item.get("msg_type") or "text"),
            content=str((item.get("body") or {}).get("content") or ""),
            sender_id=str((item.get("sender") or {}).get("id") or ""),
            mentions=tuple(item.get("mentions") or ()),
            root_id=item.get("root_id") or None,
            sender_type=str((item.get("sender") or {}).get("sender_type") or "user"),
        )

    # -- groups ---------------------------------------------------------------------------------

    def chat_name(self, chat_id: str) -> str | None:
        """A group's name ("Obtain group information", GET /open-apis/im/v1/chats/:chat_id, data.name;
        scope im:chat:readonly), or None when Feishu will not say (no scope, the bot left, a one-to-one
        chat without a name)."""
        try:
            data = self._call(GetChatRequest.builder().chat_id(chat_id).build(), "chat")
        except (FeishuError, Undeliverable) as err:
            log.info("no name for chat %s: %s", chat_id, err)
            return None
        return str(data.get("name") or "").strip() or None

    # -- people ---------------------------------------------------------------------------------

    def bot_open_id(self) -> str:
        """The bot's own open_id ("Obtain bot information", GET /open-apis/bot/v3/info): a message that
        mentions it is spoken to Baton."""
        request = (
            BaseRequest.builder()
            .http_method(lark.HttpMethod.GET)
            .uri(BOT_INFO_URI)
            .token_types({lark.AccessTokenType.TENANT})
            .build()
        )
        return str((self._call(request, "bot info").get("bot") or {}).get("open_id") or "")

    def user(self, open_id: str) -> FeishuUser | None:
        """A person from the contact API, or None when Feishu does not know them."""
        request = (
            GetUserRequest.builder()
            .user_id(open_id)
            .user_id_type("open_id")
            .department_id_type("open_department_id")
            .build()
        )
        try:
            data = self._call(request, "user")
        except FeishuError as err:
            if err.status == 404 or err.code in (41050, 40001):  # no such user / not in contact scope
                return None
            raise
        user = data.get("user") or {}
        status = user.get("status") or {}
        return FeishuUser(
            open_id=str(user.get("open_id") or open_id),
            name=str(user.get("name") or user.get("en_name") or open_id),
            en_name=user.get("en_name") or None,
            time_zone=user.get("time_zone") or None,
            department_ids=tuple(user.get("department_ids") or ()),
            job_title=user.get("job_title") or None,
            is_tenant_manager=bool(user.get("is_tenant_manager")),
            is_resigned=bool(status.get("is_resigned")),
        )

    # -- the one place a response becomes an outcome ---------------------------------------------

    def _call(self, request: BaseRequest, what: str) -> dict[str, Any]:
        option = RequestOption()
        option.headers = {"Content-Type": "application/json; charset=utf-8"}
        try:
            response = self.sdk.request(request, option)
        except requests.Timeout as err:
            raise RetryLater(f"feishu {what}: timed out ({err.__class__.__name__})") from None
        except requests.ConnectionError as err:
            raise RetryLater(f"feishu {what}: cannot connect ({err.__class__.__name__})") from None
        except ObtainAccessTokenException as err:
            raise _outcome(what, err.code, str(err.msg), status=None, headers={}) from None
        except ValueError as err:  # an answer that is not JSON: a proxy's or gateway's error page
            raise RetryLater(f"feishu {what}: unreadable response ({err.__class__.__name__})") from None
        raw = response.raw
        status = raw.status_code if raw is not None else None
        headers = {k.lower(): v for k, v in (raw.headers or {}).items()} if raw is not None else {}
        body: dict[str, Any] = {}
        if raw is not None and raw.content:
            try:
                body = json.loads(raw.content)
            except ValueError:
                body = {}
        code = body.get("code", response.code)
        if status is not None and status < 300 and code == 0:
            # Most APIs answer {"code", "msg", "data"}; a few (bot info) put their fields at the top.
            return body["data"] if isinstance(body.get("data"), dict) else body
        if code in TOKEN_INVALID:
            self._forget_token()
        raise _outcome(what, code, str(body.get("msg") or response.msg or ""), status=status, headers=headers)

    def _forget_token(self) -> None:
        config = self.sdk.config
        app_id = config.app_id if config is not None else ""
        TokenManager.cache.set(f"self_tenant_token:{app_id}", "", 0)

    @staticmethod
    def _sent(data: dict[str, Any]) -> Sent:
        return Sent(
            message_id=str(data.get("message_id") or ""),
            chat_id=data.get("chat_id") or None,
            thread_id=data.get("thread_id") or None,
            root_id=data.get("root_id") or None,
        )


def _outcome(
    what: str, code: int | None, msg: str, *, status: int | None, headers: dict[str, str]
) -> Exception:
    label = f"feishu {what}: {code} {msg}".strip()
    if code == RATE_LIMITED or status == 429:
        reset = headers.get("x-ogw-ratelimit-reset")
        return RetryLater(label, float(reset) if reset and reset.isdigit() else None, pause_all=True)
    if code == PER_RECIPIENT_LIMIT:
        return RetryLater(label, 1.0)
    if code in TOKEN_INVALID:
        return RetryLater(label, 0.0)
    if code in UNDELIVERABLE:
        return Undeliverable(f"{UNDELIVERABLE[code]} ({code})")
    if status is not None and status >= 500:
        return RetryLater(label)
    return FeishuError(code, msg, status=status)
