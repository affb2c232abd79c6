"""Slack's interactive and event payloads, shaped as Slack sends them, for signed requests."""

from __future__ import annotations

import copy
import itertools
from typing import Any

_ids = itertools.count(1)


def user(user_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": "T1"}


def block_actions(
    user_id: str,
    action: dict[str, Any],
    *,
    channel: str | None = None,
    message_ts: str | None = None,
    home: bool = False,
    response_url: str = "",
) -> dict[str, Any]:
    container: dict[str, Any] = (
        {"type": "view", "view_id": "V1"}
        if home
        else {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False}
    )
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user(user_id),
        "api_app_id": "A1",
        "team": {"id": "T1", "domain": "acme"},
        "container": container,
        "trigger_id": f"trigger-{next(_ids)}",
        "actions": [action],
        "response_url": response_url,
    }
    if home:
        payload["view"] = {"id": "V1", "type": "home", "blocks": []}
    else:
        payload["channel"] = {"id": channel, "name": "x"}
        payload["message"] = {"ts": message_ts, "text": ""}
    return payload


def button(action_id: str, value: str, block_id: str = "b") -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "block_id": block_id, "value": value, "action_ts": "1"}


def overflow(action_id: str, value: str) -> dict[str, Any]:
    return {
        "type": "overflow",
        "action_id": action_id,
        "block_id": "b",
        "action_ts": "1",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }


def view_submission(user_id: str, opened_view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Submit the view the app opened, with `values` as {block id: value} typed by the form's elements."""
    view = copy.deepcopy(opened_view)
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input" or block["block_id"] not in values:
            continue
        element, value = block["element"], values[block["block_id"]]
        kind, action_id = element["type"], element["action_id"]
        if kind == "plain_text_input":
            field = {"type": kind, "value": value}
        elif kind == "static_select":
            field = {"type": kind, "selected_option": {"value": value} if value else None}
        elif kind == "users_select":
            field = {"type": kind, "selected_user": value}
        elif kind == "multi_users_select":
            field = {"type": kind, "selected_users": value}
        elif kind == "datepicker":
            field = {"type": kind, "selected_date": value}
        elif kind == "timepicker":
            field = {"type": kind, "selected_time": value}
        else:
            raise AssertionError(f"unknown element {kind}")
        state[block["block_id"]] = {action_id: field}
    view.update(id="V9", team_id="T1", state={"values": state})
    return {
        "type": "view_submission",
        "user": user(user_id),
        "api_app_id": "A1",
        "team": {"id": "T1"},
        "view": view,
        "trigger_id": f"trigger-{next(_ids)}",
    }


def message_action(user_id: str, *, channel: str, text: str, ts: str) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": "baton_task_from_message",
        "user": user(user_id),
        "team": {"id": "T1", "domain": "acme"},
        "channel": {"id": channel, "name": "floor"},
        "message": {"type": "message", "text": text, "ts": ts, "user": "U_SOMEONE"},
        "trigger_id": f"trigger-{next(_ids)}",
        "response_url": "",
        "message_ts": ts,
        "api_app_id": "A1",
    }


def event(inner: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": inner,
        "event_id": f"Ev{next(_ids)}",
        "event_time": 1,
    }
