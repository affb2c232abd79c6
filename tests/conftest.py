"""Shared fixtures: databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set), a fixed clock,
a small company, and the fake Slack."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from handlers.clock import FixedClock
from storage import migrate
from storage.db import make_engine
from tests.fake_slack import FakeSlack

# Wednesday 18 Nov 2026, 10:00 in Shanghai, 02:00 UTC.
NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
PG_URL = os.environ.get("TEST_DATABASE_URL")
_pg_migrated = False


PG_SKIP_REASON = (
    "PostgreSQL not configured: to run these, pip install -e '.[dev,postgres]' and set "
    "TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/test"
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Without TEST_DATABASE_URL, every skip for want of PostgreSQL is reported at one place with one
    reason, so `-ra` folds them into a single summary line instead of one line per test."""
    outcome = yield
    report = outcome.get_result()
    if PG_URL or not report.skipped or not isinstance(report.longrepr, tuple):
        return
    reason = str(report.longrepr[2])
    if "PostgreSQL" in reason or "TEST_DATABASE_URL" in reason:
        where = _postgres_engine.__code__.co_firstlineno
        report.longrepr = (__file__, where, f"Skipped: {PG_SKIP_REASON}")


def _postgres_engine() -> Engine:
    global _pg_migrated
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    engine = make_engine(PG_URL)
    if not _pg_migrated:
        with engine.begin() as conn:
            SQLModel.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        migrate.upgrade(engine)
        _pg_migrated = True
    tables = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return engine


@pytest.fixture(params=["sqlite", "postgres"])
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def engine(db_kind: str) -> Iterator[Engine]:
    """In-memory SQLite (or the test PostgreSQL), migrated."""
    eng = make_engine("sqlite://") if db_kind == "sqlite" else _postgres_engine()
    if db_kind == "sqlite":
        migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def file_engine_url(db_kind: str, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A database several threads or processes can share: an SQLite file, or the test PostgreSQL."""
    if db_kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'baton.db'}"
        eng = make_engine(url)
        migrate.upgrade(eng)
        eng.dispose()
        return url
    _postgres_engine().dispose()
    assert PG_URL is not None
    return PG_URL


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()
