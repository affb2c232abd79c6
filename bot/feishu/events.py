"""What Feishu sends, as small typed events (schema 2.0 payloads, as documented on the Open Platform).

Shapes, from the Open Platform's event docs and lark-oapi's generated models:
- "Receive message" `im.message.receive_v1`: event.sender.sender_id.open_id, event.sender.sender_type,
  event.message.{message_id, root_id, parent_id, chat_id, thread_id, chat_type (p2p|group),
  message_type, content (JSON string), mentions[{key, id{open_id}, name}]}.
- "Card callback" `card.action.trigger`: event.operator.open_id, event.token, event.action.{value, tag,
  form_value, name, option, input_value, timezone}, event.context.{open_message_id, open_chat_id}.
- "Bot custom menu" `application.bot.menu_v6`: event.operator.operator_id.open_id, event.event_key.
- "Message reaction created" `im.message.reaction.created_v1`: event.message_id,
  event.reaction_type.emoji_type, event.operator_type, event.user_id.open_id.
Every one carries header.{event_id, event_type, create_time (ms), token, app_id, tenant_key}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.feishu import ids
from bot.feishu.syntax import Mention, message_text, parse_text


@dataclass(frozen=True)
class Header:
    event_id: str
    event_type: str
    create_time_ms: int | None
    app_id: str | None = None
    tenant_key: str | None = None


@dataclass(frozen=True)
class MessageReceived:
    header: Header
    sender_open_id: str
    sender_type: str  # "user" for people; "app" for bots (ignored by Baton)
    chat_id: str
    chat_type: str  # "p2p" or "group"
    message_id: str
    message_type: str
    text: str  # mentions resolved to @name, the bot left out
    mentions: tuple[Mention, ...]
    mentions_bot: bool
    mentions_all: bool
    parent_id: str | None = None  # the message this one replies to
    root_id: str | None = None  # the first message of the reply chain / topic
    thread_id: str | None = None  # set for topic (thread) replies

    @property
    def is_direct(self) -> bool:
        return self.chat_type == "p2p"


@dataclass(frozen=True)
class CardAction:
    header: Header
    operator_open_id: str
    token: str  # the callback's token: lets the card be updated later (delayed update)
    value: dict[str, Any]
    form_value: dict[str, Any] = field(default_factory=dict)
    tag: str | None = None
    name: str | None = None
    option: str | None = None
    input_value: str | None = None
    timezone: str | None = None
    open_message_id: str | None = None
    open_chat_id: str | None = None

    @property
    def action(self) -> str | None:
        return self.value.get(ids.ACTION_KEY) if isinstance(self.value, dict) else None


@dataclass(frozen=True)
class BotMenu:
    header: Header
    event_key: str
    operator_open_id: str
    operator_name: str | None = None


@dataclass(frozen=True)
class ReactionCreated:
    header: Header
    message_id: str
    emoji_type: str
    operator_open_id: str
    operator_type: str  # "user" or "app"


IncomingEvent = MessageReceived | CardAction | BotMenu | ReactionCreated


class UnknownEvent(ValueError):
    """An event type Baton does not subscribe to, or a payload without the fields it needs."""


def header_of(payload: dict[str, Any]) -> Header:
    raw = payload.get("header") or {}
    created = raw.get("create_time")
    return Header(
        event_id=str(raw.get("event_id") or ""),
        event_type=str(raw.get("event_type") or ""),
        create_time_ms=int(created) if created not in (None, "") else None,
        app_id=raw.get("app_id"),
        tenant_key=raw.get("tenant_key"),
    )


def parse_event(payload: dict[str, Any], *, bot_open_id: str | None = None) -> IncomingEvent:
    """A decrypted, verified schema 2.0 payload as a typed event."""
    if payload.get("schema") != "2.0":
        raise UnknownEvent("only schema 2.0 events are subscribed to")
    header = header_of(payload)
    event = payload.get("event") or {}
    try:
        if header.event_type == ids.MESSAGE_RECEIVED:
            return _message(header, event, bot_open_id)
        if header.event_type == ids.CARD_ACTION:
            return _card_action(header, event)
        if header.event_type == ids.BOT_MENU:
            operator = event.get("operator") or {}
            return BotMenu(
                header=header,
                event_key=str(event["event_key"]),
                operator_open_id=str((operator.get("operator_id") or {})["open_id"]),
                operator_name=operator.get("operator_name"),
            )
        if header.event_type == ids.REACTION_CREATED:
            return ReactionCreated(
                header=header,
                message_id=str(event["message_id"]),
                emoji_type=str((event.get("reaction_type") or {})["emoji_type"]),
                operator_open_id=str((event.get("user_id") or {}).get("open_id") or ""),
                operator_type=str(event.get("operator_type") or "user"),
            )
    except (KeyError, TypeError, ValueError) as err:
        raise UnknownEvent(f"{header.event_type}: missing or malformed {err}") from None
    raise UnknownEvent(f"not an event Baton handles: {header.event_type or '(none)'}")


def _message(header: Header, event: dict[str, Any], bot_open_id: str | None) -> MessageReceived:
    sender = event.get("sender") or {}
    message = event["message"]
    message_type = str(message.get("message_type") or "text")
    raw_text = message_text(message.get("content"), message_type)
    parsed = parse_text(raw_text, message.get("mentions"), bot_open_id=bot_open_id)
    return MessageReceived(
        header=header,
        sender_open_id=str((sender.get("sender_id") or {}).get("open_id") or ""),
        sender_type=str(sender.get("sender_type") or "user"),
        chat_id=str(message["chat_id"]),
        chat_type=str(message.get("chat_type") or "group"),
        message_id=str(message["message_id"]),
        message_type=message_type,
        text=parsed.text,
        mentions=parsed.mentions,
        mentions_bot=parsed.mentions_bot,
        mentions_all=parsed.mentions_all,
        parent_id=message.get("parent_id") or None,
        root_id=message.get("root_id") or None,
        thread_id=message.get("thread_id") or None,
    )


def _card_action(header: Header, event: dict[str, Any]) -> CardAction:
    action = event.get("action") or {}
    context = event.get("context") or {}
    value = action.get("value") or {}
    if isinstance(value, str):  # card JSON 1.0 buttons may carry a JSON string
        try:
            value = json.loads(value)
        except ValueError:
            value = {"raw": value}
    return CardAction(
        header=header,
        operator_open_id=str((event.get("operator") or {})["open_id"]),
        token=str(event.get("token") or ""),
        value=value if isinstance(value, dict) else {"raw": value},
        form_value=action.get("form_value") or {},
        tag=action.get("tag"),
        name=action.get("name"),
        option=action.get("option"),
        input_value=action.get("input_value"),
        timezone=action.get("timezone"),
        open_message_id=context.get("open_message_id"),
        open_chat_id=context.get("open_chat_id"),
    )
