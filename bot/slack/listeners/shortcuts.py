"""Message shortcut "Create task from message": the New task form, filled from the message, linked to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.listeners.common import actor_of, here_of, task_form
from bot.slack.syntax import plain_text
from handlers.context import Actor
from handlers.message_intake import title_of
from handlers.runner import Here

if TYPE_CHECKING:
    from bot.app import Baton


def message_link(domain: str, channel: str, ts: str) -> str:
    return f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"


def open_message_form(
    baton: Baton,
    web: WebClient,
    actor: Actor,
    *,
    trigger_id: str,
    here: Here,
    text: str,
    link: str,
    thread: str,
) -> None:
    """The New task form filled from a message, linked to it; the task it files answers in its thread."""
    form = task_form(
        baton,
        actor,
        metadata={
            "channel": here.channel_id,
            "link": link,
            "conversation": here.conversation,
            "thread": thread,
        },
        title=title_of(text),
        details=text,
    )
    web.views_open(trigger_id=trigger_id, view=form)


def register(app: App, baton: Baton, web: WebClient) -> None:
    @app.shortcut(ids.SHORTCUT_FROM_MESSAGE)
    def from_message(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        actor = actor_of(baton, body["user"])
        message, here = body.get("message") or {}, here_of(body.get("channel"))
        ts = message.get("ts", "")
        link = message_link((body.get("team") or {}).get("domain") or "app", here.channel_id or "", ts)
        open_message_form(
            baton,
            web,
            actor,
            trigger_id=body["trigger_id"],
            here=here,
            text=plain_text(message.get("text") or ""),
            link=link,
            thread=message.get("thread_ts") or ts,
        )
