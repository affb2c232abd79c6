"""The part of handlers.messages that gathers several held rows into one message: a recipient's roundup
of reminders (handlers.roundup), or the day's news for someone who takes it once a day."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from handlers import roundup
from handlers.outgoing import Body, Digest, Landed, Outgoing, Reader, TaskItem, Where
from handlers.ports import Skip
from handlers.results import TaskView, Text
from storage import outbox
from storage.models import Member, OutboxMessage, Task


@dataclass(frozen=True)
class Composed:
    message: Outgoing
    sent: Callable[[Landed | None], None] | None = None  # what to record once it went out (and where)


class Gathering:
    """Mixed into handlers.messages.Composer, which provides the methods declared here."""

    session: Session
    now: datetime
    row: OutboxMessage | None

    def compose(self, row: OutboxMessage) -> Composed:
        raise NotImplementedError

    def _dm(self, row: OutboxMessage, *, at: Where | None = None) -> Composed:
        raise NotImplementedError

    def item(self, task: Task, member: Member | None, **kw: object) -> TaskItem:
        raise NotImplementedError

    def out(self, where: Where, reader: Reader, body: Body, names: dict[str, str]) -> Outgoing:
        raise NotImplementedError

    def names(self, views: list[TaskView], *extra: str | None) -> dict[str, str]:
        raise NotImplementedError

    def _notice(self, row: OutboxMessage, member: Member | None, locale: str) -> tuple[Any, dict[str, str]]:
        raise NotImplementedError

    def _roundup(
        self,
        row: OutboxMessage,
        where: Where,
        reader: Reader,
        member: Member | None,
        *,
        status: str = outbox.HELD,
    ) -> Composed:
        """Every reminder held for this recipient (or the news of their day), in one message."""
        data = json.loads(row.data or "{}")
        held = (
            outbox.by_ids(session=self.session, ids=data["items"])
            if "items" in data
            else outbox.held_for(session=self.session, recipient=row.recipient, status=status)
        )
        try:
            if len(held) == 1:  # one reminder reads as it always did
                self.row = held[0]
                # Brought up to date in place (a pressed button) where the roundup was, or composed anew.
                single = self._dm(held[0], at=where) if where.update else self.compose(held[0])
                self.row = row
                message, recorded = single.message, single.sent
            elif status == outbox.DAILY:
                message, recorded = self._news(held, where, reader, member), None
            else:
                message, recorded = self._gathered(held, where, reader, member), None
        except Skip:
            for item in held:
                item.status = outbox.SUPERSEDED  # nothing left worth saying: none of them goes out
            raise
        ids = [h.id for h in held]

        def sent(landed: Landed | None) -> None:
            for item in held:
                item.status, item.sent_at = outbox.GATHERED, self.now
            row.data = json.dumps({**data, "items": ids})
            if landed is not None:
                row.sent_channel, row.sent_ts = landed.conversation, landed.message_id
            if recorded is not None:
                recorded(landed)

        return Composed(message, sent)

    def _gathered(
        self, held: Sequence[OutboxMessage], where: Where, reader: Reader, member: Member | None
    ) -> Outgoing:
        items = []
        for found in roundup.reasons(held):
            task = self.session.get(Task, found.task_id)
            events = tuple(
                e for e in found.events if task is not None and roundup.still_true(e, task, self.now)
            )
            if task is not None and events:
                items.append(roundup.gathered_item(self.item(task, member), events))
        if not items:
            raise Skip()
        events = {h.event for h in held}
        title = roundup.title(events, channel=member is None, count=len(items))
        return self.out(where, reader, Digest(title, tuple(items)), self.names([i.task for i in items]))

    def _news(
        self, held: Sequence[OutboxMessage], where: Where, reader: Reader, member: Member | None
    ) -> Outgoing:
        """A day's news about what the reader asked for or follows: each task once, what happened to it."""
        news: dict[int, list[Text]] = {}
        summary_row = self.row
        for row in held:
            if row.task_id is not None and self.session.get(Task, row.task_id) is not None:
                notice, _names = self._notice(row, member, reader.locale)
                news.setdefault(row.task_id, []).append(notice.text)
        self.row = summary_row
        if not news:
            raise Skip()
        items = []
        for task_id, texts in news.items():
            task = self.session.get(Task, task_id)
            assert task is not None
            item = self.item(task, member)
            items.append(replace(item, reasons=tuple(texts)))
        digest = Digest(Text("n_daily", {"count": len(items)}), tuple(items))
        return self.out(where, reader, digest, self.names([i.task for i in items]))
