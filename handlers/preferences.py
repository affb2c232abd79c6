"""A person's own settings: the language Baton speaks with them, and when notices reach them."""

from __future__ import annotations

from handlers.commands import SetLanguage, SetNotify
from handlers.context import Context
from handlers.results import Reply, Text
from storage import people as people_store


def set_language(ctx: Context, cmd: SetLanguage) -> Reply:
    member = people_store.member(session=ctx.session, user_id=ctx.actor.user_id)
    assert member is not None  # the runner made sure the speaker has a row
    member.locale_override = cmd.locale
    # Answer in the language just chosen.
    return Reply(kind="message", text=Text("lang_set"), locale=cmd.locale)


def set_notify(ctx: Context, cmd: SetNotify) -> Reply:
    member = people_store.member(session=ctx.session, user_id=ctx.actor.user_id)
    assert member is not None
    member.notify_daily_at = cmd.daily_at
    if cmd.daily_at is None:
        return Reply(kind="message", text=Text("notify_instant"))
    return Reply(kind="message", text=Text("notify_daily", {"at": cmd.daily_at}))
