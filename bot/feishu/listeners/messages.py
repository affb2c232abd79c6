"""Messages people send: commands (one-to-one with the bot, or @Baton in a group), "@Baton task" in reply
to a message (files it), `@Baton <title> …` in a group (files it, bot/feishu/listeners/intake.py), and group
messages that do not address Baton (intake.group_message: topic replies, intake-group posts).

A command is `/task …` or `/standup …` (slash optional; `任务`, `站会` too); in a one-to-one chat a bare
subcommand (`new …`, `list`) is a task command. Command replies are sent at once, privately: an ephemeral
card in a group, an ordinary reply in a one-to-one chat; what a command changes goes out via the outbox.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from bot.feishu import ids
from bot.feishu.api import FeishuApi
from bot.feishu.events import MessageReceived
from bot.feishu.ids import ours
from bot.feishu.listeners import intake
from bot.feishu.listeners.common import actor_of, run, runner, send_private, task_form, tokens
from bot.feishu.render import reply_card
from handlers.command_parser import _SUBCOMMANDS, parse_task_command
from handlers.commands import Literal, NewTask, Token
from handlers.context import Actor
from handlers.errors import BatonError, InvalidInput
from handlers.message_intake import title_of
from handlers.results import Reply, Text
from handlers.runner import Here, Outcome, refused

if TYPE_CHECKING:
    from bot.app import Baton


def command_in(words: list[Token], *, direct: bool) -> tuple[str, list[Token]] | None:
    """("task" | "standup", the command's tokens), or None when the message is no command."""
    if not words or not isinstance(words[0], str):
        return None
    first = words[0].lower().lstrip("/／")
    if first in ids.TASK_WORDS:
        return "task", words[1:]
    if first in ids.STANDUP_WORDS:
        return "standup", words[1:]
    if direct and first in _SUBCOMMANDS:
        return "task", words
    return None


def files_the_quoted(event: MessageReceived, found: tuple[str, list[Token]] | None) -> bool:
    """`@Baton task [options]` in reply to a message: file that message (a subcommand runs as usual)."""
    if event.parent_id is None or found is None or found[0] != "task":
        return False
    rest = found[1]
    return not rest or not (isinstance(rest[0], str) and rest[0].lower() in _SUBCOMMANDS)


def on_message(baton: Baton, api: FeishuApi, event: MessageReceived, *, applink: str) -> None:
    if event.sender_type != "user" or not event.sender_open_id:
        return  # bots, Baton's own messages included, give no commands
    if not (event.is_direct or event.mentions_bot):
        intake.group_message(baton, event, applink=applink)  # a topic reply, maybe an intake post
        return
    chat = ours(event.chat_id)
    words = tokens(event.text, event.mentions)
    if not event.is_direct:
        words = intake.group_named_here(words, chat)
    found = command_in(words, direct=event.is_direct)
    # What a person says to Baton (a command, or a mention in a group) tells their language.
    spoken = found is not None or not event.is_direct
    actor = actor_of(baton, event.sender_open_id, wrote=event.text if spoken else None)
    here = Here(channel_id=chat, conversation="direct" if event.is_direct else "channel")
    if files_the_quoted(event, found):
        assert found is not None
        outcome = file_quoted(baton, api, event, actor, here, found[1], applink=applink)
    elif found is None and not event.is_direct:
        # `@Baton Replace the gasket @pete due:friday`: a task, linked to this message.
        filed = intake.mentioned(baton, event, actor, words, applink=applink)
        if filed is None:
            return  # filed, or told how in the topic: the card and the usage go there
        outcome = filed
    elif found is None:
        outcome = Outcome(reply=Reply(kind="message", text=Text("dm_help")), actor=actor, ok=True)
    elif event.is_direct and intake.names_here(found[1]):
        # `channel here` names the group a command is typed in; a one-to-one chat is none.
        outcome = refused(InvalidInput("here_needs_group"), actor)
    else:
        surface, words = found
        run_text = runner(baton).task if surface == "task" else runner(baton).standup
        outcome = run_text(actor, words, here)
        if outcome.ok:
            baton.worker.wake()
    answer(baton, api, event, outcome, here)


def answer(baton: Baton, api: FeishuApi, event: MessageReceived, outcome: Outcome, here: Here) -> None:
    if outcome.reply.kind == "form":
        meta = {"channel": here.channel_id, "conversation": here.conversation}
        card = task_form(baton, outcome.actor, metadata=meta)
    else:
        card = reply_card(outcome.reply, locale=outcome.locale, tz=outcome.tz, now=baton.clock())
    if card:
        send_private(
            api, open_id=event.sender_open_id, chat_id=event.chat_id, direct=event.is_direct, card=card
        )


def file_quoted(
    baton: Baton,
    api: FeishuApi,
    event: MessageReceived,
    actor: Actor,
    here: Here,
    options: list[Token],
    *,
    applink: str,
) -> Outcome:
    """The quoted message becomes a task: its first line the title, its text the details, options
    (`@owner #dept due:… !high`) from the reply; the quoted text is shown, never parsed as options."""
    assert event.parent_id is not None
    quoted = api.message(event.parent_id)
    text = intake.text_of(quoted)
    title = title_of(text)
    try:
        command = parse_task_command(["new", *options, Literal(title or "-")])
    except BatonError as refusal:
        return refused(refusal, actor)
    assert isinstance(command, NewTask)
    if not title:  # nothing readable to file (a picture, a recalled message): say so, file nothing
        return refused(InvalidInput("title_missing"), actor)
    assert quoted is not None
    link = intake.chat_link(applink, quoted.chat_id or event.chat_id)
    # Its card and progress go in the quoted message's topic, where it was asked.
    thread = intake.topic_of(quoted.message_id, quoted.root_id)
    command = dataclasses.replace(command, title=title, details=text, source_link=link, source_thread=thread)
    return run(baton, actor, command, here)
