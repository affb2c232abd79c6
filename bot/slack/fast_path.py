"""Which Slack requests are answered on the server's event loop instead of a dispatcher thread.

Handing a request to a thread and back costs two switches of the GIL, and under load the event loop and
the dispatchers queue for it at every SQLite call: `/task new` at 50 connections ran at twice the
throughput answered on the loop (bench/RESULTS.md). But a request on the loop holds up every other one,
so only those that cannot wait on Slack qualify:
- a `/task` command with text (only a bare `/task` opens a form), naming people with their names (an
  id alone is looked up on Slack), from a speaker Baton holds in memory (a first sighting is looked up);
- a task move or snooze button that opens no form, pressed by someone Baton holds in memory.
Everything else, and anything unexpected, goes to a dispatcher thread as before. A wrong guess costs
only waiting, never correctness: both paths run the same listeners.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest

from bot.slack import ids
from handlers.known_people import KnownPeople

_UNNAMED_MENTION = re.compile(r"<@[^|>]*>")  # `<@U123>`, not `<@U123|name>`
# Moves that open no form (ids.REASON_MOVES ask why first), ratings, and a snooze.
_QUICK_MOVES = ("ack", "start", "done", "verify", "rate1", "rate2", "rate3", "rate4", "rate5")
QUICK_PRESSES = frozenset({ids.MOVE_ACTION.format(move=m) for m in _QUICK_MOVES} | {ids.SNOOZE_ACTION})


def answered_at_once(people: KnownPeople) -> Callable[[BoltRequest], bool]:
    """The predicate for `bot.server.SlackASGI(inline=…)`: this request never waits on Slack."""

    def at_once(request: BoltRequest) -> bool:
        body: dict[str, Any] = request.body
        if body.get("command") == ids.TASK_COMMAND:
            text = str(body.get("text") or "")
            says_who = not _UNNAMED_MENTION.search(text)
            return bool(text.strip()) and says_who and _known(people, body.get("user_id"))
        if body.get("type") == "block_actions":
            actions = body.get("actions") or []
            pressed = len(actions) == 1 and actions[0].get("action_id") in QUICK_PRESSES
            return pressed and _known(people, (body.get("user") or {}).get("id"))
        return False

    return at_once


def _known(people: KnownPeople, user_id: object) -> bool:
    return isinstance(user_id, str) and people.remembers(user_id)
