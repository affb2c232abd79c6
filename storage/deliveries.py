"""Keys of what already arrived (platform events, button presses), so a repeat is handled once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col

from storage.inserts import insert_ignoring_duplicates
from storage.models import ProcessedEvent


def first_delivery(*, session: Session, key: str, now: datetime) -> bool:
    """Record `key`; True the first time it is seen, False for every repeat (across replicas too)."""
    stmt = (
        insert_ignoring_duplicates(session=session, table=ProcessedEvent, unique=["key"])
        .values(key=key, received_at=now)
        .returning(ProcessedEvent.key)
    )
    return session.execute(stmt).first() is not None


def forget_deliveries_before(*, session: Session, instant: datetime) -> None:
    session.execute(delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < instant))
