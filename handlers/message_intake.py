"""Requests the way people already ask (SPEC §8): a message filed as a task, and its progress in the
message's thread.

A task filed from a message keeps the message's thread (`Task.source_thread`): its card is the first
reply there, each later change of state is posted there once (an outbox row of kind `thread`, written
in the transaction that made the change), and what its owner or requester replies there becomes a
comment on it.
"""

from __future__ import annotations

from dataclasses import replace

from handlers import filing, task_talk
from handlers.commands import Comment, DeptRef, FileMessage, ThreadReply
from handlers.context import Context
from handlers.results import Reply
from storage import deliveries
from storage import people as people_store
from storage import tasks as task_store

TITLE_FROM_MESSAGE = 150  # a message's first line makes the title, cut to this many characters
QUIET = Reply(kind="none")  # nothing to say to anyone (not an intake channel, a repeat, a stranger's reply)


def title_of(text: str) -> str:
    """A message's first written line, short enough for a title ("" for a message with no text)."""
    first_line = text.strip().splitlines()[0].strip() if text.strip() else ""
    return first_line if len(first_line) <= TITLE_FROM_MESSAGE else first_line[: TITLE_FROM_MESSAGE - 1] + "…"


def file_message(ctx: Context, cmd: FileMessage) -> Reply:
    """File the message once, however often and by whichever route (a mention, an intake post) it comes."""
    command = cmd.task
    if cmd.intake:
        dept = people_store.department_for_intake(session=ctx.session, channel_id=ctx.channel_id or "")
        if dept is None:
            return QUIET
        # No owner named: the department's own rule for unowned work picks one (filing.file_task).
        command = replace(command, owner=None, dept=DeptRef(name=dept.name))
    # The same key for every route: a mention posted in an intake channel is one task, not two. A refusal
    # rolls this back with everything else, so a corrected message can still be filed.
    if not deliveries.first_delivery(
        session=ctx.session, key=f"message:{ctx.channel_id}:{cmd.message_id}", now=ctx.now
    ):
        return QUIET
    return filing.file_task(ctx, command)


def thread_reply(ctx: Context, cmd: ThreadReply) -> Reply:
    """The owner's or requester's reply in the thread a task was filed from is a comment on it."""
    if not cmd.text.strip() or ctx.channel_id is None:
        return QUIET
    found = task_store.tasks_in_thread(session=ctx.session, channel=ctx.channel_id, thread=cmd.thread)
    mine = [t for t in found if ctx.actor.user_id in (t.owner_id, t.requester_id)]
    if not mine or not deliveries.first_delivery(
        session=ctx.session, key=f"reply:{ctx.channel_id}:{cmd.message_id}", now=ctx.now
    ):
        return QUIET
    for task in mine:
        assert task.id is not None
        task_talk.comment(ctx, Comment(task_id=task.id, text=cmd.text.strip()))
    return Reply(kind="none")
