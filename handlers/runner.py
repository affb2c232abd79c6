"""Running one typed command end to end: who is speaking, parse, decide, commit — or change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from handlers.clock import Clock
from handlers.commands import TaskCommand, parse_task_command
from handlers.context import Actor, Config, Context, Directory
from handlers.dispatch import handle
from handlers.errors import BatonError
from handlers.people import actor_for
from handlers.results import Reply, Text
from handlers.standup_commands import StandupCommand, parse_standup_command
from storage.db import unit_of_work


@dataclass(frozen=True)
class Outcome:
    reply: Reply
    actor: Actor
    ok: bool

    @property
    def locale(self) -> str:
        return self.reply.locale or self.actor.locale

    @property
    def tz(self) -> ZoneInfo:
        return self.actor.tz


def identify(
    engine: Engine,
    *,
    user_id: str,
    user_name: str | None,
    directory: Directory | None,
    config: Config,
    clock: Clock,
) -> Actor:
    # Its own transaction: remembering who someone is is not part of what they asked for.
    with unit_of_work(engine) as session:
        return actor_for(
            session, user_id=user_id, name_hint=user_name, directory=directory, config=config, now=clock()
        )


def refused(refusal: BatonError, actor: Actor) -> Outcome:
    return Outcome(reply=Reply(kind="error", text=Text(refusal.key, refusal.params)), actor=actor, ok=False)


def run_command(
    engine: Engine,
    *,
    command: TaskCommand | StandupCommand,
    actor: Actor,
    channel_id: str | None,
    config: Config,
    clock: Clock,
    channel_private: bool = False,
) -> Outcome:
    """Handle a typed command (typed, pressed or submitted) in one transaction; a refusal changes nothing."""
    try:
        with unit_of_work(engine) as session:
            ctx = Context(
                session=session,
                now=clock(),
                actor=actor,
                channel_id=channel_id,
                config=config,
                channel_private=channel_private,
            )
            reply = handle(ctx, command)
        return Outcome(reply=reply, actor=actor, ok=True)
    except BatonError as refusal:
        return refused(refusal, actor)


def run_text(
    engine: Engine,
    *,
    text: str,
    actor: Actor,
    channel_id: str | None,
    escaped: bool,
    config: Config,
    clock: Clock,
    channel_private: bool = False,
    parse: Callable[..., TaskCommand | StandupCommand] = parse_task_command,
) -> Outcome:
    """Parse and handle what followed a slash command (`/task` by default; `parse` picks another)."""
    try:
        command = parse(text, escaped=escaped)
    except BatonError as refusal:
        return refused(refusal, actor)
    return run_command(
        engine,
        command=command,
        actor=actor,
        channel_id=channel_id,
        config=config,
        clock=clock,
        channel_private=channel_private,
    )


def run_task_text(engine: Engine, **kwargs: Any) -> Outcome:
    return run_text(engine, parse=parse_task_command, **kwargs)


def run_standup_text(engine: Engine, **kwargs: Any) -> Outcome:
    return run_text(engine, parse=parse_standup_command, **kwargs)
