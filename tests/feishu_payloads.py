"""Feishu payloads as the Open Platform documents them, signed and encrypted as Feishu does."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from Crypto.Cipher import AES

TOKEN = "v-token-123"
ENCRYPT_KEY = "enc-key-456"
APP_ID = "cli_fake"


def encrypt(payload: dict[str, Any], key: str = ENCRYPT_KEY) -> dict[str, str]:
    """`{"encrypt": base64(iv + AES-256-CBC(sha256(key), PKCS7(json)))}`, Feishu's encrypted body."""
    plain = json.dumps(payload).encode()
    pad = 16 - len(plain) % 16
    iv = os.urandom(16)
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    return {"encrypt": base64.b64encode(iv + cipher.encrypt(plain + bytes([pad]) * pad)).decode()}


def signed_headers(
    body: bytes, *, timestamp: int, key: str = ENCRYPT_KEY, nonce: str = "n0nce"
) -> dict[str, str]:
    signature = hashlib.sha256((str(timestamp) + nonce + key).encode() + body).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Lark-Request-Timestamp": str(timestamp),
        "X-Lark-Request-Nonce": nonce,
        "X-Lark-Signature": signature,
    }


def header(event_type: str, event_id: str = "ev-1", token: str = TOKEN) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "token": token,
        "create_time": "1732190000000",
        "event_type": event_type,
        "tenant_key": "tenant-1",
        "app_id": APP_ID,
    }


def message_event(
    text: str,
    *,
    mentions: list[dict[str, Any]] | None = None,
    chat_type: str = "group",
    event_id: str = "ev-msg-1",
    sender: str = "ou_alice",
    parent_id: str = "",
    root_id: str = "",
    thread_id: str = "",
    message_id: str = "om_msg1",
    chat_id: str = "oc_group1",
    sender_type: str = "user",
    message_type: str = "text",
) -> dict[str, Any]:
    content = {"text": text} if message_type == "text" else {"image_key": "img_v2_1"}
    return {
        "schema": "2.0",
        "header": header("im.message.receive_v1", event_id),
        "event": {
            "sender": {
                "sender_id": {"union_id": "on_a", "user_id": "alice", "open_id": sender},
                "sender_type": sender_type,
                "tenant_key": "tenant-1",
            },
            "message": {
                "message_id": message_id,
                "root_id": root_id,
                "parent_id": parent_id,
                "create_time": "1732190000000",
                "update_time": "1732190000000",
                "chat_id": chat_id,
                "thread_id": thread_id,
                "chat_type": chat_type,
                "message_type": message_type,
                "content": json.dumps(content),
                "mentions": mentions or [],
                "user_agent": "Mozilla/5.0",
            },
        },
    }


def mention(key: str, open_id: str, name: str) -> dict[str, Any]:
    return {
        "key": key,
        "id": {"union_id": "on_x", "user_id": "x", "open_id": open_id},
        "name": name,
        "tenant_key": "t",
    }


def card_action(
    value: dict[str, Any],
    *,
    form_value: dict[str, Any] | None = None,
    event_id: str = "ev-card-1",
    operator: str = "ou_bob",
    message_id: str = "om_card1",
    chat_id: str = "oc_group1",
    tag: str = "button",
    option: str | None = None,
) -> dict[str, Any]:
    """A press (`tag` button), or a choice in a select outside a form (its `option`)."""
    action: dict[str, Any] = {"value": value, "tag": tag, "form_value": form_value or {}, "name": "submit"}
    if option is not None:
        action |= {"option": option, "name": "type", "form_value": {}}
    return {
        "schema": "2.0",
        "header": header("card.action.trigger", event_id),
        "event": {
            "operator": {"tenant_key": "t", "user_id": "bob", "open_id": operator, "union_id": "on_b"},
            "token": "c-callback-token",
            "action": action,
            "host": "im_message",
            "context": {"open_message_id": message_id, "open_chat_id": chat_id},
        },
    }


def bot_menu(event_key: str, *, event_id: str = "ev-menu-1", operator: str = "ou_carol") -> dict[str, Any]:
    return {
        "schema": "2.0",
        "header": header("application.bot.menu_v6", event_id),
        "event": {
            "operator": {
                "operator_name": "Carol",
                "operator_id": {"union_id": "on_c", "user_id": "c", "open_id": operator},
            },
            "event_key": event_key,
            "timestamp": 1732190000,
        },
    }


def reaction(
    emoji_type: str,
    *,
    event_id: str = "ev-react-1",
    message_id: str = "om_msg9",
    operator: str = "ou_dave",
    operator_type: str = "user",
) -> dict[str, Any]:
    """Feishu's "message reaction created": the message, the emoji, who reacted (user_id or app_id)."""
    event: dict[str, Any] = {
        "message_id": message_id,
        "reaction_type": {"emoji_type": emoji_type},
        "operator_type": operator_type,
        "action_time": "1732190000000",
    }
    if operator_type == "user":
        event["user_id"] = {"union_id": "on_d", "user_id": "d", "open_id": operator}
    else:
        event["app_id"] = operator
    return {"schema": "2.0", "header": header("im.message.reaction.created_v1", event_id), "event": event}
