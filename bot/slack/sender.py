"""Delivering typed messages through Slack's Web API, and sorting Slack's answers into retry or give up."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.slack.messages import render
from bot.slack.pacing import ChannelPacer
from handlers.outgoing import HomeView, Landed, Outgoing
from handlers.ports import Hold, RetryLater, Undeliverable

log = logging.getLogger("baton.slack")

# Errors that no retry will mend: the message is recorded as failed instead.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "account_inactive",
        "cannot_dm_bot",
        "msg_too_long",
        "invalid_blocks",
        "no_text",
        "restricted_action",
        "user_not_in_channel",
        "messages_tab_disabled",
        "not_found",
    }
)
# An earlier message that can no longer be updated: post anew (a card), or give up (a pressed message).
GONE = frozenset({"message_not_found", "cant_update_message"})


class SlackSender:
    """Renders each typed message as Block Kit and posts it (or updates it in place); nothing more."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self.pacer = ChannelPacer()

    def deliver(self, message: Outgoing) -> Landed | None:
        where = message.where
        if not isinstance(message.body, HomeView) and not self.pacer.take(where.conversation):
            raise Hold()
        try:
            return self._deliver(message, render(message))
        except SlackApiError as err:
            raise classify(err) from err
        except (SlackRequestError, OSError) as err:  # timeouts, refused connections, resets
            raise RetryLater(f"connection: {err}") from err

    def _deliver(self, message: Outgoing, body: dict[str, Any]) -> Landed | None:
        where = message.where
        if isinstance(message.body, HomeView):
            self.client.views_publish(user_id=where.conversation, view=body["view"])
            return None
        if where.only_for is not None:
            self.client.chat_postEphemeral(channel=where.conversation, user=where.only_for, **body)
            return None
        if where.update is not None:
            try:
                self.client.chat_update(channel=where.conversation, ts=where.update, **body)
                return Landed(where.conversation, where.update)
            except SlackApiError as err:
                if _error(err) not in GONE:
                    raise
                if not where.post_if_gone:
                    raise Undeliverable(_error(err)) from err
        thread = {"thread_ts": where.thread, "reply_broadcast": where.broadcast} if where.thread else {}
        answer = self.client.chat_postMessage(channel=where.conversation, **thread, **body)
        return Landed(str(answer["channel"]), str(answer["ts"]))


def _error(err: SlackApiError) -> str:
    data: Any = err.response.data if err.response is not None else {}
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def classify(err: SlackApiError) -> RetryLater | Undeliverable:
    status = err.response.status_code if err.response is not None else 0
    code = _error(err)
    if status == 429 or code == "ratelimited":
        headers = err.response.headers or {}
        header = headers.get("Retry-After") or headers.get("retry-after")
        try:
            retry_after = float(header[0] if isinstance(header, list) else header) if header else None
        except ValueError:
            retry_after = None
        return RetryLater("rate limited", retry_after=retry_after or 1.0, pause_all=True)
    if status >= 500:
        return RetryLater(f"slack {status}")
    if code in PERMANENT:
        return Undeliverable(code)
    return RetryLater(code or f"http {status}")
