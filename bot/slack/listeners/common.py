"""What every listener needs: who pressed or typed, and what to do after a button or form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from handlers.commands import DeptList
from handlers.context import Actor
from handlers.interactions import queue_private, refresh_sent, request_home
from handlers.results import DeptView
from handlers.runner import Outcome, identify, run_command

if TYPE_CHECKING:
    from bot.app import Baton


def actor_of(baton: Baton, user: dict[str, Any]) -> Actor:
    return identify(
        baton.engine,
        user_id=user["id"],
        user_name=user.get("username") or user.get("name"),
        directory=baton.directory,
        config=baton.config,
        clock=baton.clock,
    )


def is_private(channel_id: str | None, channel_name: str | None) -> bool:
    """Slack names private channels "privategroup" in these payloads, and group DMs "mpdm-…"."""
    name = channel_name or ""
    return name == "privategroup" or name.startswith("mpdm-") or (channel_id or "").startswith("G")


def where_pressed(body: dict[str, Any]) -> dict[str, Any]:
    """The message (channel and ts) or view a press came from."""
    container = body.get("container") or {}
    if container.get("type") == "view" or (body.get("view") or {}).get("type") == "home":
        return {"home": True}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    return {"channel": channel, "ts": container.get("message_ts")}


def departments(baton: Baton, actor: Actor) -> tuple[DeptView, ...]:
    outcome = run_command(
        baton.engine, command=DeptList(), actor=actor, channel_id=None, config=baton.config, clock=baton.clock
    )
    return outcome.reply.departments


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
