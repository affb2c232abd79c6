"""SQLite's WAL checkpoint runs on a serving process's own thread, never inside a request's commit."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from storage.checkpoint import WalCheckpointer
from storage.db import make_engine, unit_of_work


def _autocheckpoint(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(text("PRAGMA wal_autocheckpoint")).scalar_one())


def _write(engine, rows: int) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS t (x TEXT)"))
        for _ in range(rows):
            session.execute(text("INSERT INTO t VALUES (:x)"), {"x": "x" * 2000})


def test_serving_connections_leave_checkpoints_to_the_thread(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    assert _autocheckpoint(engine) == 1000  # SQLite's own default, for the CLI and the console
    checkpointer = WalCheckpointer(engine, interval=3600)  # the test calls it; the thread never fires
    checkpointer.start()
    try:
        assert _autocheckpoint(engine) == 0
        _write(engine, 3000)  # ~1,500 pages: past the point where a commit would have checkpointed
        wal = tmp_path / "c.db-wal"
        busy, pages, copied = checkpointer.checkpoint()
        assert (busy, copied) == (0, pages) and pages > 1000  # the commit left it all to the thread
        assert wal.stat().st_size > 0
    finally:
        checkpointer.stop()
    assert _autocheckpoint(engine) == 1000  # stopped: the engine's connections are as before
    engine.dispose()


def test_a_checkpointer_does_nothing_on_memory_or_postgres() -> None:
    engine = make_engine("sqlite://")
    checkpointer = WalCheckpointer(engine)
    checkpointer.start()
    assert not checkpointer.applies and checkpointer._thread is None
    checkpointer.stop()
