"""Engine and session setup."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, event, text
from sqlalchemy.engine import CursorResult, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

import storage.recheck  # noqa: F401  - registers the listener that keeps reminder marks honest
from storage.writers import queue_sqlite_writers

SQLITE_BUSY_TIMEOUT_MS = 5000


def normalize_url(url: str) -> str:
    """Let people write plain postgresql:// URLs; we ship the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class DatabaseUnavailable(Exception):
    """The configured database cannot be used: one line saying what to do."""


# The package that provides each driver we know of, and how to install it.
_DRIVER_HINTS = {"psycopg": "pip install 'baton[postgres]'", "psycopg2": "pip install 'baton[postgres]'"}


def check_url(url: str) -> None:
    """Refuse, in one line, a URL that cannot be parsed or whose SQLite directory does not exist."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            "DATABASE_URL is not a database URL: write e.g. sqlite:///baton.db "
            "or postgresql://user:password@host/baton"
        ) from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().absolute().parent
        if not folder.is_dir():
            raise DatabaseUnavailable(
                f"DATABASE_URL points into {folder}, which does not exist: create that directory "
                "or point DATABASE_URL at another path"
            )


# Connections kept open: request threads, delivery lanes and the sweep, without reconnecting.
POOL_SIZE = 20


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    check_url(url)
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool  # one shared in-memory database
        else:
            kwargs["pool_size"] = POOL_SIZE
    else:
        # PostgreSQL too: with the default 5, the request threads' sixth to eighth connections were
        # opened and closed again on every request under load (a backend forked each time).
        kwargs["pool_size"] = POOL_SIZE
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except NoSuchModuleError:
        scheme = make_url(url).drivername
        raise DatabaseUnavailable(
            f"DATABASE_URL uses {scheme!r}, a database Baton does not know: "
            "use sqlite:///baton.db or postgresql://user:password@host/baton"
        ) from None
    except ImportError as err:
        module = (err.name or str(err)).split(".")[0]
        hint = _DRIVER_HINTS.get(module, f"install the Python package that provides {module!r}")
        raise DatabaseUnavailable(
            f"The database driver {module!r} for DATABASE_URL is not installed: {hint}"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        queue_sqlite_writers(engine, SQLITE_BUSY_TIMEOUT_MS / 1000)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    # With WAL, NORMAL skips an fsync per commit; a power cut can lose the last commits, not corrupt.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block succeeds, rolled back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def read(session: Session, stmt: Executable, params: dict[str, Any] | None = None) -> CursorResult[Any]:
    """A plain (Core) query in the session's transaction, for the request path's small lookups: a
    statement built once at import, its compiled form cached, rows as tuples, no ORM bookkeeping.
    What the transaction has changed is flushed first, as the ORM's autoflush would."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(stmt, params or {})


def database_answers(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - health checks report, they don't raise
        return False
