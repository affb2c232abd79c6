"""One instant column type that behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

REMEMBERED = 16  # instants remembered per dialect by the bind processors of every instant column
_MEMOS: dict[str, dict[datetime, Any]] = {}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            # A naive instant is a bug upstream; refusing beats guessing its zone.
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """SQLAlchemy's processing, remembering its last answers: most instants a request binds are its
        `now` (a new task binds it a dozen times, between its due date and next check), each converted
        in Python (5% of a `/task new`'s samples). Equal instants are the same whatever their zone."""
        process = super().bind_processor(dialect)
        if process is None:
            return None
        # Shared by every instant column: a task's created, updated and assigned times are one `now`.
        memo = _MEMOS.setdefault(f"{dialect.name}+{dialect.driver}", {})

        def remembered(value: Any) -> Any:
            if value is None:
                return None
            found = memo.get(value)  # a naive instant never equals an aware one: refused below, as before
            if found is None:
                found = process(value)
                if len(memo) >= REMEMBERED:
                    memo.clear()  # one request's few instants are all it needs to hold
                memo[value] = found
            return found

        return remembered

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
