"""What every listener needs: who pressed or typed, and what to do after a button or form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.slack.forms import new_task_form
from bot.slack.syntax import conversation_of
from handlers.commands import DeptList, TaskCommand
from handlers.context import Actor, Context
from handlers.errors import BatonError
from handlers.intake_commands import TypeList
from handlers.interactions import (
    queue_private,
    queue_private_in,
    refresh_sent,
    refresh_sent_in,
    request_home,
    request_home_in,
)
from handlers.results import DeptView, Text, TypeView
from handlers.runner import NOWHERE, Here, Outcome, Runner
from handlers.standup_commands import StandupCommand

if TYPE_CHECKING:
    from bot.app import Baton


def runner(baton: Baton) -> Runner:
    return baton.runner


def actor_of(baton: Baton, user: dict[str, Any]) -> Actor:
    return runner(baton).identify(user["id"], user.get("username") or user.get("name"))


def run(baton: Baton, actor: Actor, command: TaskCommand | StandupCommand, here: Here = NOWHERE) -> Outcome:
    """Run a command as this person, here; what it queued goes out as soon as it is committed."""
    outcome = runner(baton).run(actor, command, here)
    if outcome.ok:
        baton.worker.wake()
    return outcome


def here_of(channel: dict[str, Any] | None) -> Here:
    """Where an interactive payload (button, shortcut) came from: its `channel` object."""
    channel = channel or {}
    return Here(
        channel_id=channel.get("id"), conversation=conversation_of(channel.get("id"), channel.get("name"))
    )


def where_pressed(body: dict[str, Any]) -> dict[str, Any]:
    """The message (channel and ts) or view a press came from."""
    container = body.get("container") or {}
    if container.get("type") == "view" or (body.get("view") or {}).get("type") == "home":
        return {"home": True}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    return {"channel": channel, "ts": container.get("message_ts")}


def departments(baton: Baton, actor: Actor) -> tuple[DeptView, ...]:
    return runner(baton).run(actor, DeptList()).reply.departments


def request_types(baton: Baton, actor: Actor) -> tuple[TypeView, ...]:
    """Every department's request types, for the New task form's Type menu."""
    return runner(baton).run(actor, TypeList()).reply.types


def task_form(baton: Baton, actor: Actor, *, metadata: dict[str, Any], **prefill: Any) -> dict[str, Any]:
    """The New task form however it opens (command, shortcut, offer, stand-up blocker): the departments
    and every request type to choose from, filled with what is known."""
    return new_task_form(
        actor.locale,
        departments(baton, actor),
        metadata=metadata,
        types=request_types(baton, actor),
        **prefill,
    )


def press(baton: Baton, actor: Actor, command: TaskCommand, place: dict[str, Any]) -> Outcome:
    """A button pressed on a message or the home tab: the command, and bringing what was pressed up to
    date, in one transaction; a refusal becomes a private note, in that transaction once what the
    command wrote is rolled back."""

    def then(ctx: Context) -> None:
        if place.get("home"):
            request_home_in(ctx.session, user_id=actor.user_id, now=ctx.now)
        elif place.get("channel") and place.get("ts"):
            # A direct message we sent is re-rendered; a channel card is already queued by the handler.
            refresh_sent_in(ctx.session, channel=place["channel"], ts=place["ts"], now=ctx.now)

    channel = place.get("channel")

    def note(ctx: Context, refusal: BatonError) -> None:
        text = Text(refusal.key, refusal.params)
        queue_private_in(ctx.session, user_id=actor.user_id, channel_id=channel, text=text, now=ctx.now)

    here = Here(channel_id=channel, conversation=conversation_of(channel))
    outcome = runner(baton).run(actor, command, here, then=then, if_refused=note)
    baton.worker.wake()
    return outcome


def after_interaction(baton: Baton, actor: Actor, outcome: Outcome, place: dict[str, Any]) -> None:
    """A refusal becomes a private note; a change refreshes the message or home it came from."""
    if not outcome.ok and outcome.reply.text is not None:
        queue_private(
            baton.engine,
            user_id=actor.user_id,
            channel_id=place.get("channel"),
            text=outcome.reply.text,
            clock=baton.clock,
        )
    elif place.get("home"):
        request_home(baton.engine, user_id=actor.user_id, clock=baton.clock)
    elif place.get("channel") and place.get("ts"):
        # A direct message we sent is re-rendered; a channel card is already queued by the handler.
        refresh_sent(baton.engine, channel=place["channel"], ts=place["ts"], clock=baton.clock)
    baton.worker.wake()
