"""Many values in one statement on PostgreSQL: whole lists bound as arrays.

Each statement is a round trip to PostgreSQL, far dearer than a call into SQLite. At a zone's working
morning (100k tasks) an executemany of ~4,000 single-row digest upserts took 60-110 ms, and a 5,000-name
IN list, one bind parameter a name, 35-75 ms; bound as arrays (`= ANY(…)`, `unnest(…)`) the same work is
one statement with a handful of parameters (26 and 9 ms), and psycopg builds no parameter set per row.
SQLite keeps its own paths: a call there costs microseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session


def postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def one_of(session: Session, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN values`: one array parameter on PostgreSQL, a parameter a value elsewhere."""
    if postgres(session):
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(list(values))


def run(session: Session, sql: str, params: dict[str, Any]) -> None:
    """A PostgreSQL statement with array parameters (psycopg adapts lists), in the session's transaction."""
    session.connection().exec_driver_sql(sql, params)
