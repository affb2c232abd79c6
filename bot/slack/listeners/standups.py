"""`/standup`, the Answer button and form, blockers turned into tasks, and plain replies in the thread."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack import ids, syntax
from bot.slack.errors import answer_or_apologise
from bot.slack.forms import submitted
from bot.slack.listeners.commands import here_of_command
from bot.slack.listeners.common import actor_of, departments, run, runner, task_form
from bot.slack.render import reply_payload, text_of
from bot.slack.standup_render import standup_form
from handlers import standup_replies
from handlers.commands import PersonRef
from handlers.interactions import blocker_form_values
from handlers.standup_commands import StandupAnswerText

if TYPE_CHECKING:
    from bot.app import Baton


def register(app: App, baton: Baton, web: WebClient) -> None:
    @app.command(ids.STANDUP_COMMAND)
    def standup_command(ack: Ack, command: dict[str, Any]) -> None:
        def work() -> dict[str, Any]:
            actor = actor_of(baton, {"id": command["user_id"], "name": command.get("user_name")})
            words = syntax.words(command.get("text", ""))
            outcome = runner(baton).standup(actor, words, here_of_command(command))
            if outcome.ok:
                baton.worker.wake()
            return reply_payload(outcome.reply, locale=outcome.locale, tz=outcome.tz, now=baton.clock())

        answer_or_apologise(ack, work, runner(baton), command.get("user_id"))

    @app.action(ids.STANDUP_ANSWER_OPEN)
    def open_answer(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        actor = actor_of(baton, body["user"])
        form = standup_form(actor.locale, int(action["value"]), departments(baton, actor))
        web.views_open(trigger_id=body["trigger_id"], view=form)

    @app.view(ids.STANDUP_VIEW)
    def on_answer(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values, meta = submitted(view), json.loads(view.get("private_metadata") or "{}")
        actor = actor_of(baton, body["user"])
        unblock = values.get(ids.S_UNBLOCK_USER)
        command = StandupAnswerText(
            done=values.get(ids.S_DONE) or "",
            planned=values.get(ids.S_PLANNED) or "",
            blockers=values.get(ids.S_BLOCKERS) or "",
            run_id=int(meta["run_id"]),
            unblock_person=PersonRef(user_id=unblock, name=unblock) if unblock else None,
            unblock_dept=values.get(ids.S_UNBLOCK_DEPT),
        )
        outcome = run(baton, actor, command)
        if not outcome.ok and outcome.reply.text is not None:
            message = text_of(outcome.reply.text, actor.locale, actor.tz)
            ack(response_action="errors", errors={ids.S_DONE: message})
            return
        ack()

    @app.action(ids.STANDUP_BLOCKER)
    def blocker_to_task(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        run_id, _, user_id = action["value"].partition(":")
        actor = actor_of(baton, body["user"])
        prefill = blocker_form_values(baton.engine, run_id=int(run_id), user_id=user_id)
        if prefill is None:
            return
        form = task_form(
            baton,
            actor,
            metadata={"channel": prefill["channel"]},
            title=prefill["title"] or "",
            details=prefill["details"] or "",
            owner=prefill["owner"],
            dept=prefill["dept"],
        )
        web.views_open(trigger_id=body["trigger_id"], view=form)


def message_event(baton: Baton, event: dict[str, Any]) -> None:
    """A message in a channel (bot/slack/listeners/channel_messages.py hands each one here)."""
    # Replies by people in a stand-up thread may be answers; Slack reports edits and deletions as
    # subtypes of the same event.
    kind = event.get("subtype")
    if kind in ANSWER_SUBTYPES:
        reply_written(baton, event)
    elif kind == "message_changed":
        message = event.get("message") or {}
        if in_thread(message) and message.get("user"):
            standup_replies.reply_edited(
                baton.engine,
                channel_id=event["channel"],
                thread=message["thread_ts"],
                message_id=message["ts"],
                text=syntax.plain_text(message.get("text") or ""),
                clock=baton.clock,
            )
    elif kind == "message_deleted":
        gone = event.get("previous_message") or {}
        if in_thread(gone):
            standup_replies.reply_deleted(
                baton.engine,
                channel_id=event["channel"],
                thread=gone["thread_ts"],
                message_id=event.get("deleted_ts") or gone["ts"],
                clock=baton.clock,
            )


# A plain reply, one also sent to the channel, one with a file: each is something a person wrote.
ANSWER_SUBTYPES = (None, "thread_broadcast", "file_share")


def in_thread(message: dict[str, Any]) -> bool:
    """A reply in a thread, not the thread's first message."""
    return bool(message.get("thread_ts")) and message.get("thread_ts") != message.get("ts")


def reply_written(baton: Baton, event: dict[str, Any]) -> None:
    if not in_thread(event) or not event.get("user") or event.get("bot_id"):
        return
    standup_replies.reply_written(
        baton.engine,
        channel_id=event["channel"],
        thread=event["thread_ts"],
        message_id=event["ts"],
        user_id=event["user"],
        text=syntax.plain_text(event.get("text") or ""),
        clock=baton.clock,
    )
