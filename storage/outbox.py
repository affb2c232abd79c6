"""The outbox: messages are rows first, written in the transaction that decided them."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Integer, and_, bindparam, func, or_
from sqlmodel import Session, col, select

from storage.arrays import postgres
from storage.direct import Direct
from storage.inserts import insert_ignoring_duplicates
from storage.models import OutboxMessage, TaskMessage

PENDING, SENT, FAILED, SUPERSEDED = "pending", "sent", "failed", "superseded"
HELD = "held"  # a reminder that goes out in its recipient's next roundup (handlers.roundup), not alone
DAILY = "daily"  # news a person takes in one daily summary (`/task notify daily`), not as it happens
GATHERED = "gathered"  # a held reminder that went out inside a roundup (its data lists them)
HOME = "home"


_OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
_COLUMNS = [c.key for c in _OUTBOX.columns if c.key != "id"]
_INSERT = Direct(_OUTBOX.insert(), columns=_COLUMNS)  # straight to the driver (storage.direct)


def enqueue(
    *,
    session: Session,
    kind: str,
    recipient: str,
    now: datetime,
    task_id: int | None = None,
    event: str = "",
    actor_id: str | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    status: str = PENDING,
) -> None:
    # A plain insert, sent at once: the rows are read back only by delivery, after the commit, so the
    # ORM's unit of work (objects, identity map, flush bookkeeping) would be cost without use.
    _INSERT.insert(
        session,
        {
            "kind": kind,
            "recipient": recipient,
            "task_id": task_id,
            "event": event,
            "actor_id": actor_id,
            "note": note,
            "data": json.dumps(data, ensure_ascii=False) if data else "{}",
            "status": status,
            "attempts": 0,
            "last_error": None,
            "dedupe_key": dedupe_key,
            "created_at": now,
            "next_attempt_at": now,
            "sent_at": None,
            "sent_channel": None,
            "sent_ts": None,
        },
    )


def enqueue_once(
    *,
    session: Session,
    dedupe_key: str,
    kind: str,
    recipient: str,
    now: datetime,
    event: str = "",
    data: dict[str, Any] | None = None,
) -> bool:
    """Queue a message unless one with `dedupe_key` was ever queued (across replicas too): True if queued."""
    stmt = (
        insert_ignoring_duplicates(session=session, table=OutboxMessage, unique=["dedupe_key"])
        .values(
            kind=kind,
            recipient=recipient,
            event=event,
            data=json.dumps(data or {}, ensure_ascii=False),
            dedupe_key=dedupe_key,
            status=PENDING,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
        .returning(OutboxMessage.id)
    )
    return session.execute(stmt).first() is not None


def by_dedupe_key(*, session: Session, dedupe_key: str) -> OutboxMessage | None:
    return session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)).first()


# Delivery claims rows one at a time, each in its own transaction. The query above reads every pending
# row (SQLite sorts them all for ORDER BY id, checking each for an earlier pending row), so a claim per
# message cost O(pending): 12 ms a claim with 5,000 queued, which capped delivery below Slack's
# ceiling. Delivery instead reads a batch of candidates with one such scan, unlocked, and then claims
# each alone by its primary key, checking again that it is still due and still its recipient's oldest.
_OLDER = _OUTBOX.alias("older")
_IS_HOME = _OUTBOX.c.kind == HOME
_DUE_NOW = and_(
    _OUTBOX.c.status == PENDING,
    _OUTBOX.c.next_attempt_at <= bindparam("now"),
    or_(
        _IS_HOME,
        ~select(_OLDER.c.id)
        .where(
            _OLDER.c.recipient == _OUTBOX.c.recipient,
            _OLDER.c.status == PENDING,
            _OLDER.c.id < _OUTBOX.c.id,
            _OLDER.c.kind != HOME,
        )
        .exists(),
    ),
)


def _due(*what: Any) -> Any:
    return (
        select(*what)
        .where(_DUE_NOW)
        .where(or_(_IS_HOME, _OUTBOX.c.recipient.not_in(bindparam("skip_recipients", expanding=True))))
        .where(_OUTBOX.c.id.not_in(bindparam("skip_ids", expanding=True)))
        .order_by(_OUTBOX.c.id)
        .limit(bindparam("limit", type_=Integer))
    )


_CANDIDATES = _due(_OUTBOX.c.id, _OUTBOX.c.recipient, _OUTBOX.c.kind)
_DUE_ROWS = _due(OutboxMessage).with_for_update(skip_locked=True)
_CLAIM = (
    select(OutboxMessage).where(_OUTBOX.c.id == bindparam("id"), _DUE_NOW).with_for_update(skip_locked=True)
)


def due_messages(
    *,
    session: Session,
    now: datetime,
    limit: int,
    skip_recipients: Collection[str] = (),
    skip_ids: Collection[int] = (),
) -> Sequence[OutboxMessage]:
    """Pending rows whose time has come, oldest first, and only the oldest pending row of each recipient:
    a message waiting for a retry is never overtaken by a later one to the same person or channel.
    A home tab is a view, not a message in a conversation: it waits for nothing and holds up nothing.
    Rows another replica holds are skipped, and so are `skip_ids` (rows this process is sending)."""
    return session.execute(_DUE_ROWS, _due_params(now, limit, skip_recipients, skip_ids)).scalars().all()


class Candidate(NamedTuple):
    id: int
    recipient: str
    kind: str


def due_candidates(
    *,
    session: Session,
    now: datetime,
    limit: int,
    skip_recipients: Collection[str] = (),
    skip_ids: Collection[int] = (),
) -> list[Candidate]:
    """What `due_messages` would return, as (id, recipient, kind), without locking anything: rows to
    try to `claim_due` one by one."""
    params = _due_params(now, limit, skip_recipients, skip_ids)
    return [Candidate(*found) for found in session.execute(_CANDIDATES, params)]


def _due_params(
    now: datetime, limit: int, skip_recipients: Collection[str], skip_ids: Collection[int]
) -> dict[str, Any]:
    return {"now": now, "limit": limit, "skip_recipients": list(skip_recipients), "skip_ids": list(skip_ids)}


def claim_due(*, session: Session, row_id: int, now: datetime) -> OutboxMessage | None:
    """The row, locked for this transaction, if it is still pending, due and its recipient's oldest
    pending message (a home tab: whatever comes before it); None if it is not, or another replica
    holds it (SKIP LOCKED)."""
    return session.execute(_CLAIM, {"id": row_id, "now": now}).scalars().first()


_SENT_AT = Direct(  # straight to the driver (storage.direct)
    select(_OUTBOX.c.id, _OUTBOX.c.kind, _OUTBOX.c.recipient, _OUTBOX.c.task_id).where(
        _OUTBOX.c.sent_channel == bindparam("channel"), _OUTBOX.c.sent_ts == bindparam("ts")
    )
)


class Sent(NamedTuple):
    id: int
    kind: str
    recipient: str
    task_id: int | None


def sent_at(*, session: Session, channel: str, ts: str) -> Sent | None:
    """The row (id, kind, recipient, task id) whose message landed at (channel, ts), if Baton sent it:
    asked on every button press, so a plain query built once."""
    found = _SENT_AT.rows(session, {"channel": channel, "ts": ts})
    return Sent(*found[0]) if found else None


def newer_pending(*, session: Session, row: OutboxMessage) -> bool:
    """Whether a later row of the same kind, task and recipient waits: it makes `row` redundant."""
    stmt = select(OutboxMessage.id).where(
        OutboxMessage.kind == row.kind,
        OutboxMessage.status == PENDING,
        OutboxMessage.task_id == row.task_id,
        OutboxMessage.recipient == row.recipient,
        col(OutboxMessage.id) > (row.id or 0),
    )
    return session.exec(stmt.limit(1)).first() is not None


def card_location(*, session: Session, task_id: int, channel: str) -> TaskMessage | None:
    return session.get(TaskMessage, (task_id, channel))


def remember_card(*, session: Session, task_id: int, channel: str, ts: str) -> None:
    session.merge(TaskMessage(task_id=task_id, channel=channel, ts=ts))


def unsettled(*, session: Session) -> Sequence[OutboxMessage]:
    """What has not gone out: pending (possibly waiting for a retry) and failed rows."""
    stmt = select(OutboxMessage).where(col(OutboxMessage.status).in_([PENDING, FAILED]))
    return session.exec(stmt.order_by(col(OutboxMessage.id))).all()


def retry(*, session: Session, ids: Sequence[int] | None, now: datetime) -> int:
    """Send failed (or waiting) rows again now; `ids=None` means all of them."""
    rows = [r for r in unsettled(session=session) if ids is None or r.id in ids]
    for row in rows:
        row.status, row.next_attempt_at, row.attempts, row.last_error = PENDING, now, 0, None
    return len(rows)


def held_for(*, session: Session, recipient: str, status: str = HELD) -> Sequence[OutboxMessage]:
    """Rows waiting to go out together in `recipient`'s next roundup (or daily summary), oldest first."""
    stmt = select(OutboxMessage).where(OutboxMessage.status == status, OutboxMessage.recipient == recipient)
    return session.exec(stmt.order_by(col(OutboxMessage.id))).all()


def by_ids(*, session: Session, ids: Sequence[int]) -> Sequence[OutboxMessage]:
    stmt = select(OutboxMessage).where(col(OutboxMessage.id).in_(list(ids)))
    return session.exec(stmt.order_by(col(OutboxMessage.id))).all()


def _roundup_waiting() -> Any:
    """Who a roundup waits to go to (about one row per recipient): read once per query."""
    return select(OutboxMessage.recipient).where(
        OutboxMessage.status == PENDING, OutboxMessage.event == "roundup"
    )


def _held_without_roundup(status: str, postgres: bool) -> Any:
    # SQLite: held rows grouped first (an index-only walk of ix_outbox_status_recipient, in order), then each
    # recipient checked once against the set above. It was a correlated NOT EXISTS per held row: 64% of a
    # tick while delivery lagged and held rows piled up, and on PostgreSQL with stale statistics a nested
    # loop over every pair (8.7 s a call at 10k tasks). An uncorrelated NOT IN is a hashed subplan there
    # whatever the statistics say (recipient is never NULL, so NOT IN is a plain anti-join). Still one pass
    # over the held rows: it grows with the backlog.
    # PostgreSQL checks each row instead, before grouping: without a vacuum its index-only walk reads the
    # table anyway, and statistics taken while the outbox was empty make it sort every held row to group
    # them (144k rows spilled to disk: 100-150 ms a sweep, most of a day's ticks at 100k tasks). Filtered
    # first by the hashed subplan, only the rows of people with no roundup waiting are left to group: 50 ms.
    # SQLite is the other way round (27 ms grouped first, 50 ms filtered first), so each keeps its own.
    held = select(OutboxMessage.recipient, OutboxMessage.kind).where(OutboxMessage.status == status)
    by_recipient = (col(OutboxMessage.recipient), col(OutboxMessage.kind))
    waiting = col(OutboxMessage.recipient).not_in(_roundup_waiting())
    if postgres:
        return held.where(waiting).group_by(*by_recipient)
    return held.group_by(*by_recipient).having(waiting)


def held_recipients(*, session: Session, status: str = HELD) -> list[tuple[str, str]]:
    """Everyone with held rows and no roundup already waiting to go to them, and how to reach them
    ("dm" a person, "post" a channel). While delivery lags, a waiting roundup gathers what arrives."""
    stmt = _held_without_roundup(status, postgres(session))
    return [(recipient, kind) for recipient, kind in session.exec(stmt).all()]


def any_held_recipient(*, session: Session, status: str = HELD) -> bool:
    """Whether held_recipients would name anyone: the first found is enough."""
    stmt = _held_without_roundup(status, postgres(session))
    return session.exec(stmt.limit(1)).first() is not None


def oldest_held(*, session: Session, status: str) -> dict[str, datetime]:
    """For each recipient with rows held under `status`, when the oldest of them was queued."""
    stmt = (
        select(OutboxMessage.recipient, func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status == status)
        .group_by(col(OutboxMessage.recipient))
    )
    return {recipient: _aware(oldest) for recipient, oldest in session.exec(stmt).all()}


def _aware(value: datetime) -> datetime:
    # An aggregate comes back without the column type's conversion: make it UTC-aware here.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
