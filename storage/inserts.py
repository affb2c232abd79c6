"""Insert, ignoring rows whose unique key already exists: one statement on SQLite and PostgreSQL.

Both dialects spell it `INSERT … ON CONFLICT DO NOTHING`, but through their own `insert` constructs;
this picks the one the session is bound to, so callers never ask which database they run on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session

from storage.arrays import postgres


def insert_ignoring_duplicates(
    *, session: Session, table: Any, unique: Sequence[str] | None = None
) -> Insert:
    """An INSERT into `table` that skips a row clashing on `unique` (or, if None, on any unique key).

    Add `.values(...)` and, to learn which rows went in, `.returning(...)`: rowcount is not reliable
    here across drivers (psycopg says -1).
    """
    insert = pg_insert if postgres(session) else sqlite_insert
    return insert(table).on_conflict_do_nothing(index_elements=list(unique) if unique else None)
