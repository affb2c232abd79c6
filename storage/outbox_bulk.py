"""Queue many outbox rows at once, each at most once (the unique dedupe key decides).

SQLite: one batched INSERT … ON CONFLICT DO NOTHING RETURNING. PostgreSQL: the same INSERT through
psycopg costs about 130 µs a row (measured), so the rows are first streamed with COPY into a
temporary table (dropped at commit or rollback), then inserted from it in one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from storage.inserts import insert_ignoring_duplicates
from storage.models import OutboxMessage

COLUMNS = (
    "kind",
    "recipient",
    "task_id",
    "event",
    "data",
    "status",
    "attempts",
    "dedupe_key",
    "created_at",
    "next_attempt_at",
)
_STAGING = """CREATE TEMPORARY TABLE outbox_incoming (
    kind text, recipient text, task_id integer, event text, data text, status text, attempts integer,
    dedupe_key text, created_at timestamptz, next_attempt_at timestamptz
) ON COMMIT DROP"""


def queue_new(*, session: Session, rows: Sequence[dict[str, Any]]) -> set[str]:
    """Insert the rows whose dedupe key is not queued yet; returns the keys inserted."""
    if not rows:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        return _copy_then_insert(session, rows)
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    # One compiled statement, executed for many rows: SQLAlchemy batches them ("insertmanyvalues").
    stmt = insert_ignoring_duplicates(session=session, table=table, unique=["dedupe_key"]).returning(
        table.c.dedupe_key
    )
    return {k for k in session.connection().execute(stmt, list(rows)).scalars() if k}


def _copy_then_insert(session: Session, rows: Sequence[dict[str, Any]]) -> set[str]:
    conn = session.connection()
    conn.execute(text(_STAGING))
    raw: Any = conn.connection.driver_connection  # psycopg's connection, inside this transaction
    names = ", ".join(COLUMNS)
    with raw.cursor() as cursor, cursor.copy(f"COPY outbox_incoming ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(tuple(row[c] for c in COLUMNS))
    inserted = conn.execute(
        text(
            f"INSERT INTO outboxmessage ({names}) SELECT {names} FROM outbox_incoming "
            "ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key"
        )
    )
    keys = {k for k in inserted.scalars() if k}
    conn.execute(text("DROP TABLE outbox_incoming"))  # a second sweep in this transaction starts clean
    return keys
