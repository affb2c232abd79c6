"""Delivering outbox rows through Slack's Web API, and sorting Slack's answers into retry or give up."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlmodel import Session, select

from bot.slack.directory import SlackDirectory
from bot.slack.home_view import home_view
from bot.slack.pacing import ChannelPacer
from bot.slack.render import (
    card_payload,
    notice_payload,
    overdue_payload,
    payload,
    stats_blocks,
    stats_title,
    text_of,
)
from bot.slack.standup_render import answer_payload, open_payload, prompt_payload, summary_payload
from handlers.clock import Clock
from handlers.home import build_home
from handlers.lifecycle import moves_for
from handlers.notices import digest, notice, overdue_tasks, standup_of
from handlers.people import reader_locale, refresh_member, zone
from handlers.ports import Hold, RetryLater, Skip, Undeliverable
from handlers.results import Text
from handlers.standups import summary as standup_summary
from handlers.tasks import viewer_moves
from handlers.views import task_view
from storage import outbox
from storage.models import Department, Member, OutboxMessage, Standup, StandupAnswer, StandupRun, Task
from storage.people import member_names

log = logging.getLogger("baton.slack")

# Errors that no retry will mend: the message is recorded as failed instead.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "account_inactive",
        "cannot_dm_bot",
        "msg_too_long",
        "invalid_blocks",
        "no_text",
        "restricted_action",
        "user_not_in_channel",
        "messages_tab_disabled",
        "not_found",
    }
)


class SlackSender:
    def __init__(self, client: WebClient, *, default_tz: str, clock: Clock, admins: frozenset[str]) -> None:
        self.client = client
        self.default_tz = default_tz
        self.clock = clock
        self.admins = admins
        self.directory = SlackDirectory(client)
        self.pacer = ChannelPacer()

    def send(self, session: Session, row: OutboxMessage) -> None:
        if row.kind != "home" and not self.pacer.take(_channel_of(row)):
            raise Hold()
        kinds = {
            "card": self._card,
            "dm": self._dm,
            "refresh": self._refresh,
            "home": self._home,
            "ephemeral": self._ephemeral,
            "post": self._post,
        }
        try:
            kinds[row.kind](session, row)
        except SlackApiError as err:
            raise classify(err) from err
        except (SlackRequestError, OSError) as err:  # timeouts, refused connections, resets
            raise RetryLater(f"connection: {err}") from err

    def _reader(self, session: Session, user_id: str) -> Member:
        # People first named by a mention have no profile yet; learn their language and zone now,
        # after the ack, rather than while the speaker waits.
        return refresh_member(
            session, user_id=user_id, name_hint=None, directory=self.directory, now=self.clock()
        )

    def _dm_payload(self, session: Session, row: OutboxMessage, reader: Member) -> dict[str, Any]:
        locale, tz = reader_locale(reader), zone(reader.tz, self.default_tz)
        text, view = notice(session, row, locale=locale)
        task = session.get(Task, row.task_id) if row.task_id is not None else None
        is_admin = reader.is_admin or reader.user_id in self.admins
        moves = viewer_moves(session, task, user_id=reader.user_id, is_admin=is_admin) if task else None
        return notice_payload(text, view, locale=locale, tz=tz, note=row.note, moves=moves)

    def _dm(self, session: Session, row: OutboxMessage) -> None:
        reader = self._reader(session, row.recipient)
        if row.event == "standup_prompt":
            run = session.get(StandupRun, json.loads(row.data or "{}").get("run_id"))
            standup = session.get(Standup, run.standup_id) if run else None
            if run is None or standup is None or run.closed:
                raise Skip()
            assert run.id is not None
            body = prompt_payload(standup.channel_id, run.id, reader_locale(reader))
            self.client.chat_postMessage(channel=row.recipient, **body)
            return
        if row.event == "overdue":
            body = self._overdue_payload(session, reader, row)
            answer = self.client.chat_postMessage(channel=row.recipient, **body)
            row.sent_channel, row.sent_ts = str(answer["channel"]), str(answer["ts"])
            return
        answer = self.client.chat_postMessage(channel=row.recipient, **self._dm_payload(session, row, reader))
        row.sent_channel, row.sent_ts = str(answer["channel"]), str(answer["ts"])

    def _overdue_payload(
        self, session: Session, reader: Member, row: OutboxMessage | None = None
    ) -> dict[str, Any]:
        views = overdue_tasks(session, row, now=self.clock()) if row is not None else []
        if not views:
            raise Skip()
        is_admin = reader.is_admin or reader.user_id in self.admins
        moves = {}
        for view in views:
            task = session.get(Task, view.id)
            if task is not None:
                moves[view.id] = viewer_moves(session, task, user_id=reader.user_id, is_admin=is_admin)
        locale, tz = reader_locale(reader), zone(reader.tz, self.default_tz)
        return overdue_payload(views, moves, locale=locale, tz=tz, now=self.clock())

    def _standup(self, session: Session, row: OutboxMessage) -> None:
        """The thread parent, an answer in the thread (updated when changed), the closing summary."""
        data = json.loads(row.data or "{}")
        found = standup_of(session, row)
        if found is None:
            raise Skip()  # the stand-up was removed meanwhile: nothing left to say
        run, standup = found
        locale = reader_locale(session.get(Member, standup.created_by))
        if row.event == "standup_open":
            answer = self.client.chat_postMessage(
                channel=row.recipient, **open_payload(run.day, standup.close_time, locale)
            )
            run.thread_ts = str(answer["ts"])
            return
        if not run.thread_ts:
            raise RetryLater("the stand-up thread is not posted yet", retry_after=5)
        if row.event == "standup_summary":
            summary = standup_summary(session, run)
            names = member_names(session=session, user_ids=[b.user_id for b in summary.blockers])
            self.client.chat_postMessage(
                channel=row.recipient,
                thread_ts=run.thread_ts,
                reply_broadcast=True,
                **summary_payload(summary, names, locale),
            )
            return
        answer_row = session.get(StandupAnswer, (run.id, data.get("user_id")))
        if answer_row is None:
            raise Skip()
        name = member_names(session=session, user_ids=[answer_row.user_id]).get(answer_row.user_id, "")
        body = answer_payload(name, answer_row, locale)
        if answer_row.posted_ts:
            self.client.chat_update(channel=row.recipient, ts=answer_row.posted_ts, **body)
        else:
            posted = self.client.chat_postMessage(channel=row.recipient, thread_ts=run.thread_ts, **body)
            answer_row.posted_ts = str(posted["ts"])

    def _post(self, session: Session, row: OutboxMessage) -> None:
        """A channel message that is not a task card: stand-ups, a far-overdue alert, the weekly digest."""
        if row.event.startswith("standup_"):
            self._standup(session, row)
            return
        dept = session.exec(select(Department).where(Department.channel_id == row.recipient)).first()
        lead = session.get(Member, dept.lead_id) if dept else None
        locale, tz = reader_locale(lead), zone(dept.tz if dept else None, self.default_tz)
        if row.event == "digest":
            stats = digest(session, row, now=self.clock(), default_tz=self.default_tz)
            if stats is None:
                raise Skip()
            title = stats_title("n_digest", stats, locale)
            self.client.chat_postMessage(
                channel=row.recipient, **payload(stats_blocks(title, stats, locale), title)
            )
            return
        text, view = notice(session, row, locale=locale)
        body = notice_payload(text, view, locale=locale, tz=tz, note=None, moves=[])
        self.client.chat_postMessage(channel=row.recipient, **body)

    def _refresh(self, session: Session, row: OutboxMessage) -> None:
        original = session.get(OutboxMessage, json.loads(row.data)["outbox_id"])
        if original is None or not original.sent_ts or not original.sent_channel:
            raise Undeliverable("nothing to refresh")
        reader = self._reader(session, original.recipient)
        if original.event == "overdue":
            body = self._overdue_payload(session, reader, original)
        else:
            body = self._dm_payload(session, original, reader)
        self.client.chat_update(channel=original.sent_channel, ts=original.sent_ts, **body)

    def _card(self, session: Session, row: OutboxMessage) -> None:
        task = session.get(Task, row.task_id)
        if task is None:
            raise Undeliverable("task no longer exists")
        # A channel card is read by many: it speaks its requester's language (the channel is usually
        # theirs), and Slack shows its dates in each reader's own zone.
        moves = moves_for(task.status, owner=True, requester=True, lead=False)
        locale = reader_locale(session.get(Member, task.requester_id))
        body = card_payload(
            task_view(session, task), locale=locale, tz=zone(None, self.default_tz), moves=moves
        )
        assert task.id is not None
        where = outbox.card_location(session=session, task_id=task.id, channel=row.recipient)
        if where is not None:
            try:
                self.client.chat_update(channel=row.recipient, ts=where.ts, **body)
                return
            except SlackApiError as err:
                if _error(err) not in ("message_not_found", "cant_update_message"):
                    raise
        answer = self.client.chat_postMessage(channel=row.recipient, **body)
        outbox.remember_card(session=session, task_id=task.id, channel=row.recipient, ts=str(answer["ts"]))

    def _home(self, session: Session, row: OutboxMessage) -> None:
        reader = self._reader(session, row.recipient)
        offsets = json.loads(row.data or "{}").get("offsets") or {}
        is_admin = reader.is_admin or reader.user_id in self.admins
        home = build_home(
            session, user_id=reader.user_id, is_admin=is_admin, now=self.clock(), offsets=offsets
        )
        view = home_view(
            home, locale=reader_locale(reader), tz=zone(reader.tz, self.default_tz), now=self.clock()
        )
        self.client.views_publish(user_id=row.recipient, view=view)

    def _ephemeral(self, session: Session, row: OutboxMessage) -> None:
        reader = self._reader(session, row.recipient)
        data = json.loads(row.data or "{}")
        text = text_of(
            Text(data["key"], data.get("params") or {}),
            reader_locale(reader),
            zone(reader.tz, self.default_tz),
        )
        if data.get("channel"):
            self.client.chat_postEphemeral(channel=data["channel"], user=row.recipient, text=text)
        else:
            self.client.chat_postMessage(channel=row.recipient, text=text)


def _channel_of(row: OutboxMessage) -> str:
    if row.kind == "ephemeral":
        return str(json.loads(row.data or "{}").get("channel") or row.recipient)
    return row.recipient


def _error(err: SlackApiError) -> str:
    data: Any = err.response.data if err.response is not None else {}
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def classify(err: SlackApiError) -> RetryLater | Undeliverable:
    status = err.response.status_code if err.response is not None else 0
    code = _error(err)
    if status == 429 or code == "ratelimited":
        headers = err.response.headers or {}
        header = headers.get("Retry-After") or headers.get("retry-after")
        try:
            retry_after = float(header[0] if isinstance(header, list) else header) if header else None
        except ValueError:
            retry_after = None
        return RetryLater("rate limited", retry_after=retry_after or 1.0, pause_all=True)
    if status >= 500:
        return RetryLater(f"slack {status}")
    if code in PERMANENT:
        return Undeliverable(code)
    return RetryLater(code or f"http {status}")
