"""SQLite's WAL checkpoint, off the request path.

By default SQLite checkpoints inside the commit that takes the write-ahead log past 1,000 pages: about
every 55th `/task new`, which then copies the log into the database and fsyncs it while it holds the
write lock and its caller waits (measured: 4-6 ms on a 1.5 ms request, the one-connection tail). A
serving process turns that off on its connections and checkpoints from a thread of its own instead;
SQLite lets writers go on appending to the log while a passive checkpoint copies what it can.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

INTERVAL = 1.0  # seconds: at the measured peak (~600 requests/s) about 10k pages of log between two


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


class WalCheckpointer:
    """Checkpoints the engine's SQLite database every `interval` seconds from its own thread, after the
    engine's own connections stop doing it at commit. Nothing to do on PostgreSQL."""

    def __init__(self, engine: Engine, *, interval: float = INTERVAL) -> None:
        self.engine = engine
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: Any = None

    @property
    def applies(self) -> bool:
        return self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:")

    def start(self) -> None:
        if not self.applies or self._thread is not None:
            return
        event.listen(self.engine, "connect", _no_autocheckpoint)
        self.engine.dispose()  # connections opened before this (migrations, checks) reconnect with it
        # A connection of its own for as long as it runs, used below SQLAlchemy: a checkpoint takes no
        # write lock, so it must not queue behind this process's writers.
        self._connection = self.engine.raw_connection()
        self._thread = threading.Thread(target=self._run, name="baton-checkpoint", daemon=True)
        self._thread.start()

    def checkpoint(self) -> tuple[int, int, int]:
        """One passive checkpoint: (busy, pages in the log, pages copied), as SQLite reports them."""
        cursor = self._connection.cursor()
        try:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            busy, pages, copied = cursor.fetchone()
        finally:
            cursor.close()
        return int(busy), int(pages), int(copied)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.checkpoint()
            except Exception:  # a locked or busy database now is fine a second later
                log.warning("WAL checkpoint failed; trying again in %.0f s", self.interval, exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        if self._connection is not None:
            try:
                self.checkpoint()  # leave the database file current for whoever opens it next
            except Exception:
                log.warning("WAL checkpoint at stop failed", exc_info=True)
            self._connection.close()
            self._connection = None
        if event.contains(self.engine, "connect", _no_autocheckpoint):
            event.remove(self.engine, "connect", _no_autocheckpoint)
            self.engine.dispose()  # whoever uses the engine next checkpoints at commit again
