"""One sweep: plan what is due at an instant and queue what was not queued before.

The outbox's unique dedupe key decides "already sent", not memory: rows are inserted with
ON CONFLICT DO NOTHING RETURNING, so two schedulers sweeping the same instant queue each message once
and each learns which rows were its own.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.reminders import Planned, plan
from storage import deliveries, outbox, outbox_bulk
from storage.db import unit_of_work

log = logging.getLogger("baton.scheduler")
KEEP_DELIVERY_KEYS = timedelta(days=1)  # Slack retries an event for minutes, not days


def _insert_new(session: Session, planned: Sequence[Planned], now: datetime) -> set[str]:
    """Queue what is not queued yet; the keys actually inserted come back."""
    rows = [
        {
            "kind": p.kind,
            "recipient": p.recipient,
            "task_id": p.task_id,
            "event": p.event,
            "data": json.dumps(p.data, ensure_ascii=False) if p.data else "{}",  # most carry nothing
            "status": outbox.HELD if p.gathered else outbox.PENDING,
            "attempts": 0,
            "dedupe_key": p.key,
            "created_at": now,
            "next_attempt_at": now,
        }
        for p in planned
    ]
    return outbox_bulk.queue_new(session=session, rows=rows)


def sweep(engine: Engine, *, now: datetime, default_tz: str, dry_run: bool = False) -> list[Planned]:
    """Queue every scheduled message due at `now` that is not queued yet; returns those planned anew."""
    with unit_of_work(engine) as session:
        fresh = sweep_in(session, now=now, default_tz=default_tz)
        if dry_run:
            session.rollback()  # the plan's own marks and the rows above are undone alike
            return fresh
        deliveries.forget_deliveries_before(session=session, instant=now - KEEP_DELIVERY_KEYS)
        if fresh:
            log.info("sweep at %s queued %d message(s)", now.isoformat(), len(fresh))
    return fresh


def sweep_in(session: Session, *, now: datetime, default_tz: str) -> list[Planned]:
    """The sweep inside the caller's transaction (a dry run rolls it back)."""
    planned = plan(session, now=now, default_tz=default_tz)
    unique = list({p.key: p for p in planned}.values())
    inserted = _insert_new(session, unique, now) if unique else set()
    # One message per recipient per sweep: whatever is held for them (this sweep's reminders, and any a
    # concurrent replica's sweep left) goes out in one roundup. Replicas sweeping the same instant share
    # its key, so there is one roundup each.
    roundups = [
        Planned(f"roundup:{recipient}:{now.isoformat()}", kind, recipient, "roundup")
        for recipient, kind in outbox.held_recipients(session=session)
    ]
    if roundups:
        _insert_new(session, roundups, now)
    return [p for p in unique if p.key in inserted]
