"""Under load, the request threads reuse their database connections instead of opening new ones: on
PostgreSQL every new connection forks a backend, which cost more than the request itself."""

from __future__ import annotations

import threading

from sqlalchemy import text

from bot.server import POSTGRES_DISPATCHERS
from storage.db import make_engine, unit_of_work
from tests.conftest import PG_URL, _postgres_engine


def test_request_threads_keep_their_postgresql_connections() -> None:
    _postgres_engine().dispose()  # skips, with the one reason, without TEST_DATABASE_URL
    assert PG_URL is not None
    engine = make_engine(PG_URL)
    backends: set[int] = set()
    together = threading.Barrier(POSTGRES_DISPATCHERS)

    def requests() -> None:
        # Bursts: every thread in a request at once, then every thread idle at once, ten times over.
        for _ in range(10):
            with unit_of_work(engine) as session:
                backends.add(session.connection().execute(text("SELECT pg_backend_pid()")).scalar_one())
                together.wait()
            together.wait()

    threads = [threading.Thread(target=requests) for _ in range(POSTGRES_DISPATCHERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    # One connection per thread at most; with the default pool of 5, each burst opened three new ones.
    assert 1 <= len(backends) <= POSTGRES_DISPATCHERS
