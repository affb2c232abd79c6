"""Statements the request path sends straight to the database driver, in the session's transaction.

SQLAlchemy's Core costs some 25 µs per statement above the driver's own work (an execution context,
parameter processing, a result object), about as much as SQLite takes to run a small insert. The few
statements every `/task new` and press sends (the task, its event, its outbox rows, the lookup of the
people involved) are compiled once per dialect by SQLAlchemy and then given to the driver's cursor
with the same bind processing SQLAlchemy would apply (its compiled processors: UTC instants, booleans).

The engine's `before_cursor_execute` and `after_cursor_execute` listeners still hear each statement:
SQLite's queue of writers (storage.db) hangs off the first, and so do statement counters in tests and
the bench, which also times statements with the second.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Column
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlmodel import Session


class _Compiled(NamedTuple):
    sql: str
    # Each bind's name and processing, in the order a positional driver (SQLite's qmark) takes them.
    binds: Sequence[tuple[str, Callable[[Any], Any] | None]]
    positional: bool
    take: Callable[[Mapping[str, Any]], tuple[Any, ...]]  # the values in that order, in one C call
    processed: Sequence[tuple[int, Callable[[Any], Any]]]  # which of them SQLAlchemy processes, how
    returns_id: bool
    results: Sequence[tuple[int, Callable[[Any], Any]]]  # a query's columns that are processed, how


class Direct:
    """One statement, compiled once per dialect. `columns`: an INSERT's (or an UPDATE's SET) columns,
    all given by every call. `new_id`: an INSERT's primary key, returned by `insert` (RETURNING, or
    SQLite's lastrowid)."""

    def __init__(
        self, stmt: Any, *, columns: Sequence[str] | None = None, new_id: Column[Any] | None = None
    ) -> None:
        self.stmt = stmt
        self.columns = list(columns) if columns is not None else None
        self.new_id = new_id
        self._by_dialect: dict[tuple[str, str, str], _Compiled] = {}

    def _compiled(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver, dialect.paramstyle)  # e.g. psycopg and psycopg2 differ
        found = self._by_dialect.get(key)
        if found is None:
            stmt: ClauseElement = self.stmt
            returns_id = self.new_id is not None and dialect.name != "sqlite"
            if returns_id:
                stmt = self.stmt.returning(self.new_id)
            compiled: Any = stmt.compile(dialect=dialect, column_keys=self.columns)
            names = list(compiled.positiontup or compiled.binds)
            processors = compiled._bind_processors  # noqa: SLF001 - what SQLAlchemy applies
            binds = [(n, processors.get(n)) for n in names]
            positional = bool(compiled.positional)
            selected = getattr(self.stmt, "selected_columns", ())
            # As SQLAlchemy reads a column (UTC instants from SQLite's text), the driver's type code aside.
            readers = [c.type._cached_result_processor(dialect, None) for c in selected]  # noqa: SLF001
            results = [(i, r) for i, r in enumerate(readers) if r is not None]
            take = itemgetter(*names) if len(names) > 1 else (lambda p, n=names[0]: (p[n],))
            processed = [(i, p) for i, (_, p) in enumerate(binds) if p is not None]
            found = _Compiled(compiled.string, binds, positional, take, processed, returns_id, results)
            self._by_dialect[key] = found
        return found

    def _send(self, session: Session, params: Sequence[Mapping[str, Any]]) -> tuple[Any, _Compiled]:
        conn = _connection(session)
        compiled = self._compiled(conn.dialect)
        rows = [_bound(compiled, p) for p in params]
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        many = len(rows) > 1
        conn.dispatch.before_cursor_execute(conn, cursor, compiled.sql, rows if many else rows[0], None, many)
        dialect = conn.dialect
        try:
            if many:
                cursor.executemany(compiled.sql, rows)
            else:
                cursor.execute(compiled.sql, rows[0])
        except dialect.loaded_dbapi.Error as err:
            # As SQLAlchemy would: a lost connection is not given back to the pool, and callers see
            # SQLAlchemy's own exception types (IntegrityError, OperationalError …), not the driver's.
            gone = dialect.is_disconnect(err, conn.connection.dbapi_connection, cursor)
            if gone:
                conn.invalidate(err)
            raise DBAPIError.instance(
                compiled.sql,
                rows if many else rows[0],
                err,
                dialect.loaded_dbapi.Error,
                connection_invalidated=gone,
                dialect=dialect,
            ) from err
        after = conn.engine.dispatch.after_cursor_execute  # the engine's own: cheaper to ask than the joined
        if after:  # only tools listen (statement timing in the bench): skipped on the request path
            after(conn, cursor, compiled.sql, rows if many else rows[0], None, many)
        return cursor, compiled

    def insert(self, session: Session, values: Mapping[str, Any]) -> int | None:
        """Insert one row; its new primary key when the statement was built with `new_id`."""
        cursor, compiled = self._send(session, [values])
        try:
            if self.new_id is None:
                return None
            if compiled.returns_id:
                return int(cursor.fetchone()[0])
            return int(cursor.lastrowid)
        finally:
            cursor.close()

    def execute(self, session: Session, params: Mapping[str, Any]) -> None:
        """Run it once (an UPDATE, a DELETE), nothing returned."""
        self._send(session, [params])[0].close()

    def insert_many(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert several rows in one executemany (no primary keys returned)."""
        if rows:
            self._send(session, rows)[0].close()

    def execute_many(self, session: Session, params: Sequence[Mapping[str, Any]]) -> None:
        """Run it once per parameter set in one executemany (an UPDATE, a DELETE, an upsert)."""
        if params:
            self._send(session, params)[0].close()

    def rows(self, session: Session, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """A query's rows, each value read as SQLAlchemy would read it. What the transaction changed is
        flushed first, as autoflush would."""
        if session.autoflush and (session.new or session.dirty or session.deleted):
            session.flush()
        cursor, compiled = self._send(session, [params])
        try:
            found = cursor.fetchall()
        finally:
            cursor.close()
        if not compiled.results:
            return found
        out = []
        for row in found:
            values = list(row)
            for i, process in compiled.results:
                values[i] = process(values[i])
            out.append(tuple(values))
        return out


def _bound(compiled: _Compiled, params: Mapping[str, Any]) -> Any:
    if compiled.positional:
        values = compiled.take(params)
        if not compiled.processed:
            return values
        processed = list(values)
        for i, process in compiled.processed:
            processed[i] = process(processed[i])
        return processed
    return {n: p(params[n]) if p else params[n] for n, p in compiled.binds}


_CONNECTION = "baton_direct_connection"


def _connection(session: Session) -> Connection:
    """The session's connection in its transaction, asked of the session once per transaction (asking
    costs as much as a small insert): a commit or rollback closes it, and the next one is asked anew."""
    conn: Connection | None = session.info.get(_CONNECTION)
    if conn is None or conn.closed or not conn.in_transaction():
        conn = session.connection()
        session.info[_CONNECTION] = conn
    return conn
