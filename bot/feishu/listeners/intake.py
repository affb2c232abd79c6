"""Any message becomes a request (SPEC §8) on Feishu, as on Slack (bot/slack/listeners/intake.py): the intake
reaction offers to file it, `@Baton <title> …` files it, a top-level post in a department's intake group
files it; a topic reply under a filed message from its owner or requester is a comment.

Feishu's reaction event (`im.message.reaction.created_v1`) carries only the message id: the message's chat,
topic and text are read back with GET /open-apis/im/v1/messages/:message_id. A message's topic is its
`root_id` (a reply's first message), else the message itself: the card and every later change of state
are replies in that topic (the sender's `reply_in_thread`).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from bot.feishu import ids
from bot.feishu.api import FeishuApi, Message
from bot.feishu.events import CardAction, MessageReceived, ReactionCreated
from bot.feishu.ids import ours
from bot.feishu.listeners.common import Place, actor_of, plain, run, task_form, toast, with_card
from bot.feishu.syntax import message_text, parse_text
from handlers import standup_replies
from handlers.command_parser import parse_task_command
from handlers.commands import DeptRef, FileMessage, NewTask, ThreadReply, Token
from handlers.context import Actor
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
from handlers.runner import Here, Outcome, refused

if TYPE_CHECKING:
    from bot.app import Baton

log = logging.getLogger("baton.feishu")

NEW_WORDS = frozenset({"new", "create", "add", "新建"})  # the handlers' words for `/task new`
CHANNEL_KEYS = frozenset({"channel", "频道", "intake", "收件频道"})  # `/task dept set` keys naming a group


def chat_link(applink: str, chat_id: str) -> str:
    """Feishu gives messages no public permalink; the AppLink opens the chat the message is in."""
    return f"{applink}/client/chat/open?openChatId={ids.theirs(chat_id)}"


def topic_of(message_id: str, root_id: str | None) -> str:
    """The topic a message's progress goes in (our namespace): its thread's first message, else itself."""
    return ours(root_id or message_id)


def text_of(found: Message | None) -> str:
    """A fetched message's text, people as @name; "" for what has no text (a picture, a recalled one)."""
    if found is None:
        return ""
    try:
        raw = message_text(found.content, found.msg_type)
    except (ValueError, AttributeError):
        return ""
    return parse_text(raw, _receive_shape(found.mentions), bot_open_id=None).text.strip()


def _receive_shape(mentions: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """GET message's mentions ({key, id: open_id, name}) in the receive event's shape (id: {open_id})."""
    return [
        {**m, "id": m["id"] if isinstance(m.get("id"), dict) else {"open_id": str(m.get("id") or "")}}
        for m in mentions
    ]


def group_named_here(words: list[Token], chat: str) -> list[Token]:
    """`channel here` / `intake 本群`: the group the command is typed in, as the channel reference the Slack
    adapter makes of `<#C…|name>` (Feishu has no #channel syntax), so the handlers stay platform-free."""
    out = list(words)
    for i in range(1, len(out)):
        if _says_here(out[i - 1], out[i]):
            out[i] = DeptRef(name=str(out[i]).lower(), channel_id=chat)
    return out


def names_here(words: list[Token]) -> bool:
    """Does a command say `here` for a group (refused in a one-to-one chat: there is no group there)?"""
    return any(_says_here(k, w) for k, w in zip(words, words[1:], strict=False))


def _says_here(key: Token, word: Token) -> bool:
    keyed = isinstance(key, str) and key.lower() in CHANNEL_KEYS
    return keyed and isinstance(word, str) and word.lower() in ids.HERE_WORDS


# -- the reaction, and its offer ----------------------------------------------------------------------


def on_reaction(baton: Baton, api: FeishuApi, event: ReactionCreated, *, applink: str) -> None:
    """The intake emoji on a message: the person who reacted is offered, privately and once, to file it."""
    wanted = baton.settings.baton_feishu_intake_emoji
    if event.emoji_type != wanted or event.operator_type != "user" or not event.operator_open_id:
        return
    found = api.message(event.message_id)
    if found is None or not found.chat_id:
        return  # recalled, or in a chat the bot cannot read: nothing to offer
    queued = queue_offer(
        baton.engine,
        user_id=ours(event.operator_open_id),
        channel=ours(found.chat_id),
        message_id=ours(found.message_id),
        thread=topic_of(found.message_id, found.root_id),
        quote=text_of(found),
        link=chat_link(applink, found.chat_id),
        clock=baton.clock,
    )
    if queued:
        baton.worker.wake()


def open_offered(
    baton: Baton, actor: Actor, value: dict[str, Any], _e: CardAction, place: Place
) -> dict[str, Any]:
    """The offer's button: the New task form filled from the message and linked to it; only the person
    it was offered to may take it up (anyone else gets a private note)."""
    channel, message_id = str(value.get("channel") or ""), str(value.get("message") or "")
    offer = offered(baton.engine, channel=channel, message_id=message_id, user_id=actor.user_id)
    if offer is None:
        gone = Text("intake_offer_gone")
        queue_private(
            baton.engine,
            user_id=actor.user_id,
            channel_id=place.chat or channel or None,
            text=gone,
            clock=baton.clock,
        )
        baton.worker.wake()
        return toast("warning", plain(gone, actor))
    quote = str(offer.get("quote") or "")
    meta = {
        "channel": channel,
        "conversation": "channel",
        "link": offer.get("link") or "",
        "thread": offer.get("thread") or message_id,
    }
    card = task_form(baton, actor, metadata=meta, title=title_of(quote), details=quote)
    return with_card({}, card)


# -- mentions, intake groups, topic replies -----------------------------------------------------------


def mentioned(
    baton: Baton, event: MessageReceived, actor: Actor, words: list[Token], *, applink: str
) -> Outcome | None:
    """`@Baton <title> [@owner] [#dept] [due:…]` in a group: filed like `/task new`, linked to the message,
    answered in its topic. No title: how to write it, in the topic. A refusal: the Outcome to answer
    privately (None when nothing more is to be said)."""
    chat = ours(event.chat_id)
    thread = topic_of(event.message_id, event.root_id)
    if words and isinstance(words[0], str) and words[0].lower() in NEW_WORDS:
        words = words[1:]  # `@Baton new <title>` (as typed to Baton one-to-one) is the same request
    try:
        command = parse_task_command(["new", *words])
    except BatonError as refusal:
        if refusal.key != "title_missing":
            return refused(refusal, actor)
        usage = Text("mention_usage")
        queue_thread_text(
            baton.engine, channel=chat, thread=thread, text=usage, clock=baton.clock, asked_by=actor.user_id
        )
        baton.worker.wake()
        return None
    assert isinstance(command, NewTask)
    task = dataclasses.replace(command, source_thread=thread, source_link=chat_link(applink, event.chat_id))
    outcome = run(baton, actor, FileMessage(task=task, message_id=ours(event.message_id)), here_in(chat))
    return None if outcome.ok else outcome


def here_in(chat: str) -> Here:
    return Here(channel_id=chat, conversation="channel")


def group_message(baton: Baton, event: MessageReceived, *, applink: str) -> None:
    """A group message that does not address Baton: a topic reply may be a comment on the task filed from
    the topic's first message, or else an answer to the day's stand-up; a top-level post in an intake
    group is filed for its department. Bots never get here (on_message); pictures, files and system
    messages have no text and are neither."""
    chat, message_id = ours(event.chat_id), ours(event.message_id)
    if event.root_id and event.root_id != event.message_id:
        thread = ours(event.root_id)
        if thread_has_tasks(baton.engine, channel=chat, thread=thread):
            reply = ThreadReply(thread=thread, message_id=message_id, text=event.text)
            file(baton, event, reply)
            return
        # Same rules as Slack's stand-up threads.
        standup_replies.reply_written(
            baton.engine,
            channel_id=chat,
            thread=thread,
            message_id=message_id,
            user_id=ours(event.sender_open_id),
            text=event.text,
            clock=baton.clock,
        )
        return
    if event.parent_id or not event.text.strip() or not intake_channel(baton.engine, channel=chat):
        return
    title, _, details = event.text.strip().partition("\n")
    task = NewTask(
        title=title_of(title),
        details=details.strip(),
        source_thread=message_id,
        source_link=chat_link(applink, event.chat_id),
    )
    file(baton, event, FileMessage(task=task, message_id=message_id, intake=True))


def file(baton: Baton, event: MessageReceived, command: FileMessage | ThreadReply) -> None:
    """Run it as the person who wrote the message; a refusal is a private note to them."""
    actor = actor_of(baton, event.sender_open_id)
    chat = ours(event.chat_id)
    outcome = run(baton, actor, command, here_in(chat))
    if not outcome.ok and outcome.reply.text is not None:
        text = outcome.reply.text
        queue_private(baton.engine, user_id=actor.user_id, channel_id=chat, text=text, clock=baton.clock)
        baton.worker.wake()
