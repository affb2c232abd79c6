"""Running one typed command end to end: who is speaking, parse, decide, commit — or change nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from handlers.clock import Clock
from handlers.command_parser import parse_task_command
from handlers.commands import PersonRef, SetLanguage, TaskCommand, Token
from handlers.context import Actor, Config, Context, Conversation, Directory
from handlers.dispatch import handle
from handlers.errors import BatonError
from handlers.known_people import KnownPeople
from handlers.people import actor_for, reader_locale
from handlers.results import Reply, Text
from handlers.standup_commands import StandupCommand, parse_standup_command
from storage import people as people_store
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
    wrote: str | None = None,
) -> Actor:
    # Its own transaction: remembering who someone is is not part of what they asked for.
    with unit_of_work(engine) as session:
        return actor_for(
            session,
            user_id=user_id,
            name_hint=user_name,
            directory=directory,
            config=config,
            now=clock(),
            wrote=wrote,
        )


def refused(refusal: BatonError, actor: Actor) -> Outcome:
    return Outcome(reply=Reply(kind="error", text=Text(refusal.key, refusal.params)), actor=actor, ok=False)


@dataclass(frozen=True)
class Here:
    """Where a command was given: the conversation's id and kind, as the adapter knows them."""

    channel_id: str | None = None
    conversation: Conversation = "channel"


NOWHERE = Here()  # a press on the home tab, a form without a channel: nowhere in particular


def run_command(
    engine: Engine,
    *,
    command: TaskCommand | StandupCommand,
    actor: Actor,
    here: Here,
    config: Config,
    clock: Clock,
    then: Callable[[Context], None] | None = None,
    if_refused: Callable[[Context, BatonError], None] | None = None,
) -> Outcome:
    """Handle a typed command (typed, pressed or submitted) in one transaction; a refusal changes nothing.
    `then`: what the adapter does after a handled command in the same transaction (e.g. bring the
    pressed message up to date), so a press costs one transaction, not two. `if_refused`: what it
    does after a refusal (e.g. queue a private note), once what the handler wrote is rolled back, in
    the same session rather than a second one."""
    try:
        with unit_of_work(engine) as session:
            ctx = Context(
                session=session,
                now=clock(),
                actor=actor,
                channel_id=here.channel_id,
                config=config,
                conversation=here.conversation,
            )
            try:
                reply = handle(ctx, command)
            except BatonError as refusal:
                if if_refused is None:
                    raise
                session.rollback()  # nothing the handler wrote stays
                if_refused(ctx, refusal)
                return refused(refusal, actor)  # what if_refused wrote is committed on leaving
            if then is not None:
                then(ctx)
        return Outcome(reply=reply, actor=actor, ok=True)
    except BatonError as refusal:
        return refused(refusal, actor)


Parser = Callable[[str | Sequence[Token]], TaskCommand | StandupCommand]


@dataclass(frozen=True)
class Runner:
    """Run this command as this person, here: the one door every adapter (listener, console) goes through.

    `text` is plain text, or the neutral tokens the adapter made of its platform's syntax. With `people`
    (one per process), a known speaker costs no transaction of its own: the command's is the only one."""

    engine: Engine
    config: Config
    clock: Clock
    directory: Directory | None = None
    people: KnownPeople | None = None

    def identify(self, user_id: str, name: str | None = None, *, wrote: str | None = None) -> Actor:
        """`wrote`: the command's text where the platform gives no language (its script decides).
        Otherwise a known speaker comes from memory (handlers.known_people)."""
        if self.people is not None and wrote is None:
            return self.people.actor(user_id, name)
        if self.people is not None:
            self.people.forget(user_id)  # what they wrote may change their language
        return identify(
            self.engine,
            user_id=user_id,
            user_name=name,
            directory=self.directory,
            config=self.config,
            clock=self.clock,
            wrote=wrote,
        )

    def locale_of(self, user_id: str) -> str:
        """The language to write to someone in, from what is stored (no lookup on the platform)."""
        with unit_of_work(self.engine) as session:
            return reader_locale(people_store.member(session=session, user_id=user_id))

    def run(
        self,
        actor: Actor,
        command: TaskCommand | StandupCommand,
        here: Here = NOWHERE,
        *,
        then: Callable[[Context], None] | None = None,
        if_refused: Callable[[Context, BatonError], None] | None = None,
    ) -> Outcome:
        outcome = run_command(
            self.engine,
            command=command,
            actor=actor,
            here=here,
            config=self.config,
            clock=self.clock,
            then=then,
            if_refused=if_refused,
        )
        if self.people is not None and isinstance(command, SetLanguage):
            self.people.forget(actor.user_id)  # the next answer is in the language just chosen
        return outcome

    def run_text(
        self,
        actor: Actor,
        text: str | Sequence[Token],
        here: Here = NOWHERE,
        *,
        parse: Parser = parse_task_command,
    ) -> Outcome:
        """Parse and handle what followed a slash command (`/task` by default; `parse` picks another)."""
        try:
            command = parse(self._named(text))
        except BatonError as refusal:
            return refused(refusal, actor)
        return self.run(actor, command, here)

    def _named(self, text: str | Sequence[Token]) -> str | Sequence[Token]:
        """People a platform mentions by id alone get their display name (stored, else looked up), so
        replies and new members never read as a raw id."""
        if isinstance(text, str) or not any(_unnamed(t) for t in text):
            return text
        with unit_of_work(self.engine) as session:
            stored = people_store.member_names(
                session=session, user_ids=[t.user_id for t in text if _unnamed(t) and t.user_id]
            )
        named: list[Token] = []
        for token in text:
            if _unnamed(token):
                assert isinstance(token, PersonRef) and token.user_id is not None
                name = stored.get(token.user_id)
                if (name is None or name == token.user_id) and self.directory is not None:
                    profile = self.directory.profile(token.user_id)
                    name = profile.name if profile is not None else None
                token = PersonRef(user_id=token.user_id, name=name or token.name)
            named.append(token)
        return named

    def task(self, actor: Actor, text: str | Sequence[Token], here: Here = NOWHERE) -> Outcome:
        return self.run_text(actor, text, here, parse=parse_task_command)

    def standup(self, actor: Actor, text: str | Sequence[Token], here: Here = NOWHERE) -> Outcome:
        return self.run_text(actor, text, here, parse=parse_standup_command)


def _unnamed(token: Token) -> bool:
    return isinstance(token, PersonRef) and token.user_id is not None and token.name == token.user_id
