"""Message shortcut "Create task from message": the New task form, filled from the message, linked to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.forms import new_task_form
from bot.slack.listeners.common import actor_of, departments, here_of
from bot.slack.syntax import plain_text

if TYPE_CHECKING:
    from bot.app import Baton

TITLE_FROM_MESSAGE = 150


def message_link(domain: str, channel: str, ts: str) -> str:
    return f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"


def register(app: App, baton: Baton, web: WebClient) -> None:
    @app.shortcut(ids.SHORTCUT_FROM_MESSAGE)
    def from_message(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        actor = actor_of(baton, body["user"])
        message, here = body.get("message") or {}, here_of(body.get("channel"))
        channel = here.channel_id
        text = plain_text(message.get("text") or "")
        first_line = text.splitlines()[0] if text else ""
        title = (
            first_line
            if len(first_line) <= TITLE_FROM_MESSAGE
            else first_line[: TITLE_FROM_MESSAGE - 1] + "…"
        )
        link = message_link(
            (body.get("team") or {}).get("domain") or "app", channel or "", message.get("ts", "")
        )
        form = new_task_form(
            actor.locale,
            departments(baton, actor),
            metadata={
                "channel": channel,
                "link": link,
                "conversation": here.conversation,
            },
            title=title,
            details=text,
        )
        web.views_open(trigger_id=body["trigger_id"], view=form)
