"""SQLite's one writer, taken in turn by every thread of every Baton process on the host.

SQLite admits one writer; a second one sleeps in SQLite's busy handler, which backs off in steps of
1, 2, 5, 10 … 100 ms. With delivery in a process of its own, a request that meets one of its short
writes slept at least a millisecond (measured with two processes writing: 5% of transactions took
over 1 ms, p99 1.2 ms; queued on a file lock instead: p99 0.16 ms). So a writer takes, at its
transaction's first write statement, this process's lock (threads queue on it) and then a lock on a
file beside the database (processes queue on it), and gives both back once SQLite has ended the
transaction.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
SUFFIX = "-writers"  # beside SQLite's own -wal and -shm files; empty, only ever locked


class HostLock:
    """An exclusive flock on `<database>-writers`, waited for in short steps up to a deadline. Its own
    file, never the database's: closing any descriptor of the database file would drop the POSIX locks
    SQLite holds on it in this process."""

    def __init__(self, database: str) -> None:
        self.path = database + SUFFIX
        self._fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        if self._fd is None:  # opened once, at the first write, and kept for the process's life
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline, pause = time.monotonic() + timeout, 0.00005
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)  # another process's write: typically a fraction of a millisecond
                pause = min(pause * 2, 0.001)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


def queue_sqlite_writers(engine: Engine, timeout: float) -> None:
    """Writers of this engine go in turn (see the module's docstring); an in-memory database is one
    process's, so only its threads queue."""
    lock = threading.Lock()
    database = engine.url.database
    host = HostLock(os.path.abspath(database)) if database not in (None, "", ":memory:") else None
    # The pool's proxy of the connection whose transaction holds both locks, and its driver connection
    # (what the pool's checkin names): one at a time in a process, since the thread lock is taken first.
    # One slot, read with one subscript: another thread may clear it at any moment.
    holder: list[tuple[Any, Any] | None] = [None]

    def before_write(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        current = holder[0]
        if statement.lstrip()[:7].upper().startswith(_WRITES) and not (
            current is not None and current[0] is conn.connection
        ):
            # What SQLite itself raises when its busy timeout runs out, so callers see one error either way.
            if not lock.acquire(timeout=timeout):
                raise sqlite3.OperationalError("database is locked: another writer held it too long")
            if host is not None and not host.acquire(timeout):
                lock.release()
                raise sqlite3.OperationalError("database is locked: another Baton process held it too long")
            holder[0] = (conn.connection, conn.connection.dbapi_connection)

    def ended(connection: Any, *, driver: bool = False) -> None:
        current = holder[0]
        if current is not None and current[1 if driver else 0] is connection:
            holder[0] = None
            if host is not None:
                host.release()
            lock.release()

    # Given back once SQLite's COMMIT (or ROLLBACK) has run, not when SQLAlchemy announces it: its
    # "commit" event comes before the driver's commit, and a writer let in then met SQLite's own lock and
    # slept in its busy handler (1 ms and more) while holding the lock everyone else queues on.
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(connection: Any) -> None:  # the pool's proxy of the driver's connection
        try:
            commit(connection)
        finally:
            ended(connection)

    def do_rollback(connection: Any) -> None:
        try:
            rollback(connection)
        finally:
            ended(connection)

    def checkin(dbapi_connection: Any, _record: Any) -> None:  # given back mid-transaction, whatever path
        ended(dbapi_connection, driver=True)

    dialect.do_commit = do_commit  # type: ignore[method-assign]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign]
    event.listen(engine, "before_cursor_execute", before_write)
    event.listen(engine.pool, "checkin", checkin)
