"""Delivering outbox rows through Slack's Web API, and sorting Slack's answers into retry or give up."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlmodel import Session

from bot.slack.directory import SlackDirectory
from bot.slack.render import card_payload, notice_payload
from handlers.clock import Clock
from handlers.i18n import locale_of
from handlers.notices import notice
from handlers.people import refresh_member, zone
from handlers.views import task_view
from scheduler.delivery import RetryLater, Undeliverable
from storage import outbox
from storage.models import OutboxMessage, Task

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
    }
)


class SlackSender:
    def __init__(self, client: WebClient, *, default_tz: str, clock: Clock) -> None:
        self.client = client
        self.default_tz = default_tz
        self.clock = clock
        self.directory = SlackDirectory(client)

    def send(self, session: Session, row: OutboxMessage) -> None:
        try:
            if row.kind == "card":
                self._card(session, row)
            else:
                self._dm(session, row)
        except SlackApiError as err:
            raise classify(err) from err
        except (SlackRequestError, OSError) as err:  # timeouts, refused connections, resets
            raise RetryLater(f"connection: {err}") from err

    def _dm(self, session: Session, row: OutboxMessage) -> None:
        # People first named by a mention have no profile yet; learn their language and zone now,
        # after the ack, rather than while the speaker waits.
        person = refresh_member(
            session, user_id=row.recipient, name_hint=None, directory=self.directory, now=self.clock()
        )
        locale = locale_of(person.locale if person else None)
        tz = zone(person.tz if person else None, self.default_tz)
        text, view = notice(session, row, locale=locale)
        self.client.chat_postMessage(
            channel=row.recipient, **notice_payload(text, view, locale=locale, tz=tz, note=row.note)
        )

    def _card(self, session: Session, row: OutboxMessage) -> None:
        task = session.get(Task, row.task_id)
        if task is None:
            raise Undeliverable("task no longer exists")
        # A channel card is read by many; it speaks the workspace default and Slack localises dates.
        body = card_payload(task_view(session, task), locale="en", tz=zone(None, self.default_tz))
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


def _error(err: SlackApiError) -> str:
    data: Any = err.response.data if err.response is not None else {}
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def classify(err: SlackApiError) -> RetryLater | Undeliverable:
    status = err.response.status_code if err.response is not None else 0
    code = _error(err)
    if status == 429 or code == "ratelimited":
        header = (err.response.headers or {}).get("Retry-After") or (err.response.headers or {}).get(
            "retry-after"
        )
        try:
            retry_after = float(header[0] if isinstance(header, list) else header) if header else None
        except ValueError:
            retry_after = None
        return RetryLater("rate limited", retry_after=retry_after or 1.0)
    if status >= 500:
        return RetryLater(f"slack {status}")
    if code in PERMANENT:
        return Undeliverable(code)
    return RetryLater(code or f"http {status}")
