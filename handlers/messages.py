"""What each outbox row means for its reader: the one place that turns a row into a typed message.

| row kind    | event                      | message                                                    |
|-------------|----------------------------|------------------------------------------------------------|
| `card`      | —                          | the task's Card in the channel it was filed in (updated)   |
| `dm`        | `overdue`, `roundup`        | a Digest of the reader's tasks, each with its moves         |
| `dm`        | `standup_prompt`           | a StandupPrompt (skipped once the stand-up has closed)     |
| `dm`        | any other                  | a Notice about the task (or the reader), with their moves  |
| `post`      | `standup_open`             | the day's StandupOpening (its id becomes the thread)       |
| `post`      | `standup_answer`           | a StandupAnswerPost in the thread (updated when changed)   |
| `post`      | `standup_summary`          | the StandupSummaryPost in the thread, shown in the channel |
| `post`      | `digest`                   | the department's weekly StatsPost                          |
| `post`      | `roundup`                  | a Digest of escalated tasks for the channel                |
| `post`      | any other                  | a Notice for the channel                                   |
| `refresh`   | —                          | the direct message it names, as it is now, in place        |
| `home`      | —                          | the reader's HomeView                                      |
| `ephemeral` | `offer`                    | an IntakeOffer: file the quoted message? (only the reader) |
| `ephemeral` | any other                  | a PrivateNote, only the reader sees it                     |
| `thread`    | `text`                     | a Notice (catalogue text) in the thread the data names     |
| `thread`    | any other                  | a Notice of the task's change in the thread it was filed from |

The reader's language and zone, the moves they may make and whether anything is left to say are
decided here; a platform's sender only renders and posts. `compose` also says what to remember once
the message has landed (a card's place, a thread's parent), through `Composed.landed`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

from sqlmodel import Session

from handlers.context import Config, Directory
from handlers.gathered_messages import Composed, Gathering
from handlers.home import build_home
from handlers.i18n import t
from handlers.lifecycle import ACTIVE, moves_for
from handlers.moves import viewer_moves
from handlers.outgoing import (
    Body,
    Card,
    Digest,
    HomeView,
    IntakeOffer,
    Landed,
    Notice,
    Origin,
    Outgoing,
    PrivateNote,
    Reader,
    StandupAnswerPost,
    StandupOpening,
    StandupPrompt,
    StandupSummaryPost,
    StatsPost,
    TaskItem,
    Where,
)
from handlers.people import reader_locale, refresh_member, zone
from handlers.ports import RetryLater, Skip, Undeliverable
from handlers.ratings import RATING_MOVES
from handlers.results import TaskView, Text
from handlers.standup_runs import closing_time
from handlers.standup_runs import summary as standup_summary
from handlers.stats import dept_stats
from handlers.views import people_in, task_view
from storage import outbox
from storage import people as people_store
from storage import standups as standup_store
from storage.models import Department, Member, OutboxMessage, Standup, StandupAnswer, StandupRun, Task

ACTIVE_VALUES = {s.value for s in ACTIVE}
CLOSED_VALUES = {"verified", "cancelled"}
OVERDUE_MOVES = ("block", "done")


class Composer(Gathering):
    """Builds the message for one outbox row, inside the delivery transaction."""

    def __init__(
        self, session: Session, *, now: datetime, config: Config, directory: Directory | None
    ) -> None:
        self.session = session
        self.now = now
        self.config = config
        self.directory = directory
        self.row: OutboxMessage | None = None

    # -- readers -----------------------------------------------------------------------------

    def person(self, user_id: str) -> Member:
        # People first named by a mention have no profile yet: learn their language and zone now,
        # at delivery, rather than while the speaker waits.
        return refresh_member(
            self.session, user_id=user_id, name_hint=None, directory=self.directory, now=self.now
        )

    def reader(self, member: Member) -> Reader:
        return Reader(
            member.user_id, reader_locale(member), zone(member.tz, self.config.default_tz), member.name
        )

    def channel_reader(self, locale_of: Member | None, tz: str | None = None) -> Reader:
        return Reader(None, reader_locale(locale_of), zone(tz, self.config.default_tz))

    def is_admin(self, member: Member) -> bool:
        return member.is_admin or member.user_id in self.config.admins

    def names(self, views: list[TaskView], *extra: str | None) -> dict[str, str]:
        ids = people_in(views) | {e for e in extra if e}
        return people_store.member_names(session=self.session, user_ids=ids)

    def item(self, task: Task, member: Member | None, **kw: object) -> TaskItem:
        """The task with the moves `member` may make (a channel: every move its state allows)."""
        view = task_view(self.session, task, with_history=False)
        if member is None:
            moves = moves_for(task.status, owner=True, requester=True, lead=False)
        else:
            is_admin = self.is_admin(member)
            moves = viewer_moves(self.session, task, user_id=member.user_id, is_admin=is_admin)
        return TaskItem(view, tuple(moves), menu=task.status not in CLOSED_VALUES, **kw)  # type: ignore[arg-type]

    def out(self, where: Where, reader: Reader, body: Body, names: dict[str, str]) -> Outgoing:
        assert self.row is not None
        row = self.row
        origin = Origin(row.id or 0, row.kind, row.event, row.recipient, row.task_id)
        return Outgoing(where=where, reader=reader, body=body, now=self.now, origin=origin, names=names)

    # -- rows --------------------------------------------------------------------------------

    def compose(self, row: OutboxMessage) -> Composed:
        kinds = {
            "card": self._card,
            "dm": self._dm,
            "post": self._post,
            "refresh": self._refresh,
            "home": self._home,
            "ephemeral": self._ephemeral,
            "thread": self._thread,
        }
        if row.kind not in kinds:
            raise Undeliverable(f"unknown kind {row.kind}")
        self.row = row
        return kinds[row.kind](row)

    def _card(self, row: OutboxMessage) -> Composed:
        task = self.session.get(Task, row.task_id)
        if task is None:
            raise Undeliverable("task no longer exists")
        assert task.id is not None
        # A channel card is read by many: it speaks its requester's language (the channel is usually
        # theirs); platforms that can show dates in each reader's own zone do.
        requester = self.session.get(Member, task.requester_id)
        item = self.item(task, None)
        where_now = outbox.card_location(session=self.session, task_id=task.id, channel=row.recipient)
        # Filed from a message: the card is the first reply in that message's thread.
        thread = task.source_thread if row.recipient == task.source_channel else None
        where = Where(row.recipient, thread=thread, update=where_now.ts if where_now else None)
        task_id, channel = task.id, row.recipient

        def remember(landed: Landed | None) -> None:
            if landed is not None:
                outbox.remember_card(
                    session=self.session, task_id=task_id, channel=channel, ts=landed.message_id
                )

        message = self.out(where, self.channel_reader(requester), Card(item), self.names([item.task]))
        return Composed(message, remember)

    def _dm(self, row: OutboxMessage, *, at: Where | None = None) -> Composed:
        member = self.person(row.recipient)
        reader = self.reader(member)
        where = at or Where(row.recipient, direct=True)
        if row.event == "standup_prompt":
            found = _standup_of(self.session, row)
            if found is None or found[0].closed:
                raise Skip()
            run, standup = found
            assert run.id is not None
            return Composed(self.out(where, reader, StandupPrompt(standup.channel_id, run.id), {}))
        if row.event == "roundup":
            return self._roundup(row, where, reader, member)
        if row.event == "daily":
            return self._roundup(row, where, reader, member, status=outbox.DAILY)
        if row.event == "overdue":
            return self._digest(row, where, reader, member)
        return self._sent_at(row, self.out(where, reader, *self._notice(row, member, reader.locale)))

    def _sent_at(self, row: OutboxMessage, message: Outgoing) -> Composed:
        def remember(landed: Landed | None) -> None:
            if landed is not None:
                row.sent_channel, row.sent_ts = landed.conversation, landed.message_id

        return Composed(message, remember)

    def _notice(
        self, row: OutboxMessage, member: Member | None, locale: str
    ) -> tuple[Notice, dict[str, str]]:
        params: dict[str, object] = dict(json.loads(row.data or "{}"))
        if row.actor_id:
            params["actor"] = people_store.member_names(session=self.session, user_ids=[row.actor_id]).get(
                row.actor_id, row.actor_id
            )
        task = self.session.get(Task, row.task_id) if row.task_id is not None else None
        item = self.item(task, member) if task is not None and member is not None else None
        if task is not None:
            view = item.task if item is not None else task_view(self.session, task, with_history=False)
            names = self.names([view])
            params.update(
                task_id=task.id,
                title=task.title,
                owner=names.get(task.owner_id, task.owner_id),
                priority=t(locale, f"priority_{task.priority}"),
                due=task.due_at if task.due_at is not None else t(locale, "no_due"),
            )
        else:
            names = {}
        if row.event == "rate_ask" and item is not None:
            item = replace(item, moves=RATING_MOVES, menu=False)  # five buttons: the rating is the answer
        return Notice(Text(f"n_{row.event}", params), item, row.note), names

    def _digest(self, row: OutboxMessage, where: Where, reader: Reader, member: Member | None) -> Composed:
        """Every task the row lists that still needs its reader, as it is now."""
        ids = json.loads(row.data or "{}").get("task_ids") or []
        tasks = [
            task
            for task in (self.session.get(Task, i) for i in ids)
            if task is not None
            and task.status in ACTIVE_VALUES
            and (task.snoozed_until is None or task.snoozed_until <= self.now)
        ]
        if not tasks:
            raise Skip()
        # Overdue work needs finishing or a reason it cannot be: Done, Block (and Snooze) only.
        items = tuple(
            replace(item, moves=tuple(m for m in item.moves if m in OVERDUE_MOVES))
            for item in (self.item(task, member, snooze=True) for task in tasks)
        )
        digest = Digest(Text(f"n_{row.event}", {"count": len(items)}), items)
        return self._sent_at(row, self.out(where, reader, digest, self.names([i.task for i in items])))

    def _post(self, row: OutboxMessage) -> Composed:
        if row.event.startswith("standup_"):
            return self._standup(row)
        dept = people_store.department_for_channel(session=self.session, channel_id=row.recipient)
        lead = self.session.get(Member, dept.lead_id) if dept else None
        reader = self.channel_reader(lead, dept.tz if dept else None)
        where = Where(row.recipient)
        if row.event == "roundup":
            return self._roundup(row, where, reader, None)
        if row.event == "digest":
            data = json.loads(row.data or "{}")
            found = self.session.get(Department, data.get("dept_id"))
            if found is None:
                raise Skip()
            stats = dept_stats(
                self.session,
                found,
                start_day=date.fromisoformat(data["week_start"]),
                days=7,
                now=self.now,
                default_tz=self.config.default_tz,
            )
            title = Text("n_digest", {"dept": stats.dept, "start": stats.start, "end": stats.end})
            return Composed(self.out(where, reader, StatsPost(title, stats), {}))
        notice, names = self._notice(row, None, reader.locale)
        return Composed(self.out(where, reader, notice, names))

    def _standup(self, row: OutboxMessage) -> Composed:
        """The thread's parent, an answer in the thread (updated when changed), the closing summary."""
        found = _standup_of(self.session, row)
        if found is None:
            raise Skip()  # the stand-up was removed meanwhile: nothing left to say
        run, standup = found
        reader = self.channel_reader(self.session.get(Member, standup.created_by), standup.tz)
        if row.event == "standup_open":

            def opened(landed: Landed | None) -> None:
                if landed is not None:
                    run.thread = landed.message_id

            body = StandupOpening(run.day, closing_time(standup, run))
            return Composed(self.out(Where(row.recipient), reader, body, {}), opened)
        if not run.thread:
            raise RetryLater("the stand-up thread is not posted yet", retry_after=5)
        if row.event == "standup_summary":
            summary = standup_summary(self.session, run)
            people = [
                *summary.answered,
                *summary.missing,
                *summary.away,
                *(b.user_id for b in summary.blockers),
            ]
            names = people_store.member_names(session=self.session, user_ids=people)
            where = Where(row.recipient, thread=run.thread, broadcast=True)
            return Composed(self.out(where, reader, StandupSummaryPost(summary), names))
        user_id = json.loads(row.data or "{}").get("user_id")
        answer = self.session.get(StandupAnswer, (run.id, user_id))
        if answer is None:
            raise Skip()
        names = people_store.member_names(session=self.session, user_ids=[answer.user_id])
        where = Where(row.recipient, thread=run.thread, update=answer.posted_ts)
        body = StandupAnswerPost(
            answer.user_id,
            answer.done,
            answer.planned,
            answer.blockers,
            answer.unblock_user,
            answer.unblock_dept,
        )

        def posted(landed: Landed | None) -> None:
            if landed is not None:
                answer.posted_ts = landed.message_id

        return Composed(self.out(where, reader, body, names), posted)

    def _refresh(self, row: OutboxMessage) -> Composed:
        original = self.session.get(OutboxMessage, json.loads(row.data)["outbox_id"])
        if original is None or not original.sent_ts or not original.sent_channel:
            raise Undeliverable("nothing to refresh")
        # Brought up to date where it stands; a message that is gone is not sent again.
        at = Where(original.sent_channel, direct=True, update=original.sent_ts, post_if_gone=False)
        return Composed(self._dm(original, at=at).message)

    def _home(self, row: OutboxMessage) -> Composed:
        member = self.person(row.recipient)
        offsets = json.loads(row.data or "{}").get("offsets") or {}
        home = build_home(
            self.session,
            user_id=member.user_id,
            is_admin=self.is_admin(member),
            now=self.now,
            offsets=offsets,
        )
        where = Where(row.recipient, direct=True)
        return Composed(self.out(where, self.reader(member), HomeView(home), home.names))

    def _ephemeral(self, row: OutboxMessage) -> Composed:
        member = self.person(row.recipient)
        data = json.loads(row.data or "{}")
        channel = data.get("channel")
        where = Where(channel, only_for=row.recipient) if channel else Where(row.recipient, direct=True)
        if row.event == "offer":
            offer = IntakeOffer(data.get("quote") or "", data["channel"], data["message_id"])
            return Composed(self.out(where, self.reader(member), offer, {}))
        text = Text(data["key"], data.get("params") or {})
        return Composed(self.out(where, self.reader(member), PrivateNote(text), {}))

    def _thread(self, row: OutboxMessage) -> Composed:
        """Posted in a thread: a task's change of state where it was asked for, or a short text."""
        data = json.loads(row.data or "{}")
        where = Where(row.recipient, thread=data["thread"])
        task = self.session.get(Task, row.task_id) if row.task_id is not None else None
        # Read by the channel, in the language of whoever asked there (the requester, the mentioner).
        asker_id = task.requester_id if task else row.actor_id
        reader = self.channel_reader(self.person(asker_id) if asker_id else None)
        if row.event == "text":
            notice = Notice(Text(data["key"], data.get("params") or {}))
            return Composed(self.out(where, reader, notice, {}))
        if task is None:
            raise Skip()
        notice, names = self._notice(row, None, reader.locale)
        return Composed(self.out(where, reader, notice, names))


def undeliverable_contact(session: Session, row: OutboxMessage) -> str | None:
    """Who should hear that `row` could not go where it was meant to: a card's requester, a department
    channel's lead. Nobody for direct messages (we could not reach that person anyway) or for these notes."""
    if row.event == "undeliverable" or row.kind in ("dm", "refresh", "home", "ephemeral"):
        return None
    task = session.get(Task, row.task_id) if row.task_id is not None else None
    if task is not None:
        return task.requester_id
    dept = people_store.department_for_channel(session=session, channel_id=row.recipient)
    if dept is not None:
        return dept.lead_id
    standup = standup_store.standup_for_channel(session=session, channel_id=row.recipient, active_only=False)
    return standup.created_by if standup is not None else None


def _standup_of(session: Session, row: OutboxMessage) -> tuple[StandupRun, Standup] | None:
    """The run and stand-up a stand-up message is about; None when they are gone."""
    run = session.get(StandupRun, json.loads(row.data or "{}").get("run_id"))
    standup = session.get(Standup, run.standup_id) if run else None
    if run is None or standup is None:
        return None
    return run, standup
