"""SQLite admits one writer: threads of this process queue for it on a lock, always given back."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from storage import migrate
from storage.db import make_engine, unit_of_work
from storage.models import ProcessedEvent

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def _file_engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    migrate.upgrade(engine)
    return engine


def test_many_threads_writing_at_once_all_land(tmp_path: Path) -> None:
    engine = _file_engine(tmp_path)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(40):
                with unit_of_work(engine) as session:
                    session.add(ProcessedEvent(key=f"{n}-{i}", received_at=NOW))
                    session.flush()
                    session.exec(select(ProcessedEvent).limit(1)).all()  # work done while holding the writer
        except BaseException as err:  # noqa: BLE001 - collected for the assertion below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(engine) as session:
        assert len(session.exec(select(ProcessedEvent)).all()) == 8 * 40
    engine.dispose()


def test_the_writer_lock_is_given_back_on_rollback_and_when_a_connection_is_dropped(tmp_path: Path) -> None:
    engine = _file_engine(tmp_path)
    try:
        with unit_of_work(engine) as session:
            session.add(ProcessedEvent(key="a", received_at=NOW))
            session.flush()
            raise RuntimeError("the command failed")
    except RuntimeError:
        pass
    conn = engine.connect()
    conn.execute(text("INSERT INTO processedevent (key, received_at) VALUES ('b', '2026-11-18 02:00:00')"))
    conn.close()  # given back mid-transaction: rolled back, and the writer lock with it
    done = threading.Event()

    def later_writer() -> None:
        with unit_of_work(engine) as session:
            session.add(ProcessedEvent(key="c", received_at=NOW))
        done.set()

    worker = threading.Thread(target=later_writer)
    worker.start()
    worker.join(timeout=3)
    assert done.is_set(), "a later writer waited for a lock nobody held"
    with Session(engine) as session:
        assert [e.key for e in session.exec(select(ProcessedEvent)).all()] == ["c"]
    engine.dispose()


def test_writers_of_other_processes_queue_on_a_file_lock_beside_the_database(tmp_path: Path) -> None:
    from storage.writers import HostLock

    engine = _file_engine(tmp_path)
    # Another process's writer, as the kernel sees it: a lock through a descriptor of its own.
    other = HostLock(str(tmp_path / "w.db"))
    assert other.acquire(timeout=0)
    landed = threading.Event()

    def write() -> None:
        with unit_of_work(engine) as session:
            session.add(ProcessedEvent(key="queued", received_at=NOW))
        landed.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert not landed.wait(0.3)  # it waits for the other process, not in SQLite's busy handler
    other.release()
    assert landed.wait(5)
    writer.join()
    assert other.acquire(timeout=0)  # and gave the lock back when its transaction ended
    other.release()
    assert (tmp_path / "w.db-writers").exists()
    engine.dispose()


def test_a_writer_gives_up_when_another_process_never_lets_go(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest
    from sqlalchemy.exc import OperationalError

    import storage.db
    from storage.writers import HostLock

    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    engine = _file_engine(tmp_path)
    other = HostLock(str(tmp_path / "w.db"))
    assert other.acquire(timeout=0)
    with (
        pytest.raises(OperationalError, match="another Baton process held it"),
        unit_of_work(engine) as session,
    ):
        session.add(ProcessedEvent(key="never", received_at=NOW))
    other.release()
    with unit_of_work(engine) as session:  # both locks were given back: the next writer goes through
        session.add(ProcessedEvent(key="later", received_at=NOW))
    with Session(engine) as session:
        assert [e.key for e in session.exec(select(ProcessedEvent)).all()] == ["later"]
    engine.dispose()


def test_a_writer_holds_the_lock_until_sqlite_has_committed(tmp_path: Path) -> None:
    """SQLAlchemy announces a commit before the driver runs it: a lock given back then let the next
    writer in while SQLite still held its own, to sleep in SQLite's busy handler."""
    from sqlalchemy import event

    from storage.writers import HostLock

    engine = _file_engine(tmp_path)
    other = HostLock(str(tmp_path / "w.db"))  # another process, as the kernel sees it
    free_while_ending: list[tuple[str, bool]] = []

    def at_statement(sql: str) -> None:
        if sql in ("COMMIT", "ROLLBACK"):  # SQLite runs it now: is the lock free for anyone else yet?
            free = other.acquire(timeout=0)
            if free:
                other.release()
            free_while_ending.append((sql, free))

    @event.listens_for(engine, "connect")
    def trace(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.set_trace_callback(at_statement)

    engine.dispose()  # connections opened by the migration reconnect, traced
    with unit_of_work(engine) as session:
        session.add(ProcessedEvent(key="a", received_at=NOW))
    try:
        with unit_of_work(engine) as session:
            session.add(ProcessedEvent(key="b", received_at=NOW))
            session.flush()
            raise RuntimeError("the command failed")
    except RuntimeError:
        pass
    assert free_while_ending == [("COMMIT", False), ("ROLLBACK", False)]
    assert other.acquire(timeout=0)  # and free once they are done
    other.release()
    engine.dispose()
