"""Any message becomes a request (SPEC §8): a reaction offers to file it, a mention of the bot files it,
a post in a department's intake channel files it; replies in a filed message's thread become comments.

Slack sends `reaction_added` with the item only (channel and ts): the message's text is read with Baton's
own bot-token client (`conversations.history`, or `conversations.replies` for a reply in a thread).
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import ids, syntax
from bot.slack.listeners.common import actor_of, run
from bot.slack.listeners.shortcuts import message_link, open_message_form
from handlers.command_parser import parse_task_command
from handlers.commands import FileMessage, NewTask, PersonRef, ThreadReply, Token
from handlers.errors import BatonError
from handlers.interactions import (
    intake_channel,
    offered,
    queue_offer,
    queue_private,
    queue_thread_text,
    thread_has_tasks,
)
from handlers.message_intake import title_of
from handlers.results import Text
from handlers.runner import Here

if TYPE_CHECKING:
    from bot.app import Baton

log = logging.getLogger("baton.slack")

# Something a person wrote in a thread: a plain reply, one also sent to the channel, one with a file.
WRITTEN = (None, "thread_broadcast", "file_share")


def here_in(channel: str, channel_type: str | None = None) -> Here:
    """A channel an event came from; message events say "group" for a private channel (or group DM)."""
    private = channel_type in ("group", "mpim")
    return Here(channel_id=channel, conversation="private" if private else syntax.conversation_of(channel))


def in_thread(message: dict[str, Any]) -> bool:
    """A reply in a thread, not the thread's first message."""
    return bool(message.get("thread_ts")) and message.get("thread_ts") != message.get("ts")


def by_a_person(event: dict[str, Any]) -> bool:
    return bool(event.get("user")) and not event.get("bot_id") and event.get("subtype") != "bot_message"


def read_message(web: WebClient, channel: str, ts: str) -> dict[str, Any] | None:
    """The message at (channel, ts): in the channel's history, or else a reply in some thread."""
    try:
        found = web.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)
        for message in found.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
        # A reply: its thread comes back parent first, then the replies from `oldest` on.
        found = web.conversations_replies(channel=channel, ts=ts, oldest=ts, inclusive=True, limit=2)
        for message in found.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
    except SlackApiError as err:
        error = err.response.get("error") if err.response is not None else err
        log.warning("could not read the message %s in %s: %s", ts, channel, error)
    return None


def register(app: App, baton: Baton, web: WebClient) -> None:
    @app.event("reaction_added")
    def on_reaction(event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        if event.get("reaction") != baton.settings.baton_intake_emoji or item.get("type") != "message":
            return
        channel, ts, user = item.get("channel"), item.get("ts"), event.get("user")
        if not channel or not ts or not user or channel.startswith("D"):
            return
        message = read_message(web, channel, ts) or {}
        queued = queue_offer(
            baton.engine,
            user_id=user,
            channel=channel,
            message_id=ts,
            thread=message.get("thread_ts") or ts,
            quote=syntax.plain_text(message.get("text") or ""),
            link=message_link("app", channel, ts),
            clock=baton.clock,
        )
        if queued:
            baton.worker.wake()

    @app.action(ids.INTAKE_OFFER)
    def open_offered(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        actor = actor_of(baton, body["user"])
        value = json.loads(action.get("value") or "{}")
        channel, message_id = value.get("channel") or "", value.get("message") or ""
        offer = offered(baton.engine, channel=channel, message_id=message_id, user_id=actor.user_id)
        if offer is None:  # only the person it was offered to may take it up
            queue_private(
                baton.engine,
                user_id=actor.user_id,
                channel_id=channel or None,
                text=Text("intake_offer_gone"),
                clock=baton.clock,
            )
            baton.worker.wake()
            return
        open_message_form(
            baton,
            web,
            actor,
            trigger_id=body["trigger_id"],
            here=here_in(channel),
            text=offer.get("quote") or "",
            link=offer.get("link") or "",
            thread=offer.get("thread") or message_id,
        )

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any]) -> None:
        if not by_a_person(event) or event.get("subtype") or not event.get("channel"):
            return
        mentioned(baton, event, bot_ids(body))


def bot_ids(body: dict[str, Any]) -> set[str]:
    """Baton's own user id, as the envelope's authorizations name it."""
    return {a["user_id"] for a in body.get("authorizations") or [] if a.get("is_bot") and a.get("user_id")}


def without_bot(tokens: list[Token], bots: set[str]) -> list[Token]:
    if bots:
        return [t for t in tokens if not (isinstance(t, PersonRef) and t.user_id in bots)]
    # Not told who the bot is: the mention that starts the message is the bot's.
    return tokens[1:] if tokens and isinstance(tokens[0], PersonRef) else tokens


def mentioned(baton: Baton, event: dict[str, Any], bots: set[str]) -> None:
    """`@Baton <title> [@owner] [#dept] [due:…]`: filed like `/task new`, linked to the message."""
    channel, ts, user = event["channel"], event["ts"], event["user"]
    thread = event.get("thread_ts") or ts
    tokens = without_bot(syntax.words(event.get("text") or ""), bots)
    try:
        command = parse_task_command(["new", *tokens])
    except BatonError as refusal:
        if refusal.key == "title_missing":
            usage = Text("mention_usage")
            queue_thread_text(
                baton.engine, channel=channel, thread=thread, text=usage, clock=baton.clock, asked_by=user
            )
        else:
            private = Text(refusal.key, refusal.params)
            queue_private(baton.engine, user_id=user, channel_id=channel, text=private, clock=baton.clock)
        baton.worker.wake()
        return
    assert isinstance(command, NewTask)
    task = replace(command, source_thread=thread, source_link=message_link("app", channel, ts))
    file(baton, user, FileMessage(task=task, message_id=ts), channel)


def file(
    baton: Baton, user: str, command: FileMessage | ThreadReply, channel: str, channel_type: str | None = None
) -> None:
    """Run it as the person who wrote the message; a refusal is a private note to them."""
    actor = actor_of(baton, {"id": user})
    outcome = run(baton, actor, command, here_in(channel, channel_type))
    if not outcome.ok and outcome.reply.text is not None:
        text = outcome.reply.text
        queue_private(baton.engine, user_id=user, channel_id=channel, text=text, clock=baton.clock)
        baton.worker.wake()


def message_event(baton: Baton, event: dict[str, Any]) -> None:
    """A message in a channel: a post in an intake channel is filed; a reply in a filed message's thread
    may be a comment. Bots, edits, deletions, joins and other subtypes are neither."""
    channel = event.get("channel") or ""
    if not by_a_person(event) or not channel:
        return
    if in_thread(event):
        if event.get("subtype") in WRITTEN and thread_has_tasks(
            baton.engine, channel=channel, thread=event["thread_ts"]
        ):
            text = syntax.plain_text(event.get("text") or "")
            reply = ThreadReply(thread=event["thread_ts"], message_id=event["ts"], text=text)
            file(baton, event["user"], reply, channel, event.get("channel_type"))
        return
    if event.get("subtype") is not None or not intake_channel(baton.engine, channel=channel):
        return
    text = syntax.plain_text(event.get("text") or "")
    title, _, details = text.partition("\n")
    task = NewTask(
        title=title_of(title),
        details=details.strip(),
        source_thread=event["ts"],
        source_link=message_link("app", channel, event["ts"]),
    )
    command = FileMessage(task=task, message_id=event["ts"], intake=True)
    file(baton, event["user"], command, channel, event.get("channel_type"))
