"""Alembic migrations: they build exactly the tables the models describe; instants stay UTC and aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from bot import cli
from bot.cli import SchemaBehind, prepare_database
from bot.settings import Settings
from storage import migrate
from storage.db import make_engine
from storage.models import Department
from tests.conftest import PG_URL


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    assert migrate.is_current(engine)


def test_instants_come_back_aware_and_in_utc(engine: Engine) -> None:
    shanghai = timezone(timedelta(hours=8))
    with Session(engine) as session:
        session.add(
            Department(name="x", lead_id="U1", created_at=datetime(2026, 11, 18, 10, 0, tzinfo=shanghai))
        )
        session.commit()
    with Session(engine) as session:
        got = session.get(Department, 1)
        assert got is not None
        assert got.created_at.utcoffset() == timedelta(0)
        assert got.created_at == datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def test_naive_instants_are_refused(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(Exception, match="naive"):
        session.add(Department(name="y", lead_id="U1", created_at=datetime(2026, 11, 18, 10, 0)))
        session.commit()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    eng = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_db_upgrade_command_and_sqlite_self_migration(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["db", "upgrade"]) == 0
    assert "→ 0013" in capsys.readouterr().out  # the newest revision
    assert migrate.is_current(make_engine(url))
    other = f"sqlite:///{tmp_path / 'other.db'}"
    prepare_database(Settings(DATABASE_URL=other))  # type: ignore[call-arg]
    assert migrate.is_current(make_engine(other))


@pytest.fixture
def empty_pg_schema() -> str:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS baton_behind CASCADE"))
        conn.execute(text("CREATE SCHEMA baton_behind"))
    admin.dispose()
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3Dbaton_behind"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS baton_behind CASCADE"))
    admin.dispose()


def test_run_refuses_a_postgresql_schema_that_is_behind(empty_pg_schema: str) -> None:
    settings = Settings(DATABASE_URL=empty_pg_schema)  # type: ignore[call-arg]
    with pytest.raises(SchemaBehind, match="baton db upgrade"):
        prepare_database(settings)
    migrate.upgrade(make_engine(empty_pg_schema))
    prepare_database(settings)  # now current: no complaint
