"""Section 2: the sweep's cost over N open tasks and 10k people: the catch-up tick after an upgrade, then a
day of minute ticks; seconds and SQL statements."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import NOW, SWEEP_AT, say, target  # noqa: E402
from bench.profiles import StatementClock, tick_lines  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.models import Department, Member, Task  # noqa: E402
from storage.recheck_marks import EPOCH  # noqa: E402

ZONES = (("Asia/Shanghai", "CN"), ("Europe/Berlin", "DE"), ("America/New_York", "US"))


DEPARTMENTS = 10


def seed(engine: Any, tasks: int, people: int, now: datetime = NOW) -> None:
    """A company as the bench imagines it: ten departments in three zones, tasks filed over the last
    month and due from ten days ago to three weeks ahead, as if just upgraded (every task marked for a
    first look)."""
    with engine.begin() as conn:
        conn.execute(
            insert(Department),
            [
                {
                    "id": d + 1,
                    "name": f"dept{d}",
                    "lead_id": f"U{d}",
                    "channel_id": f"CDEPT{d}" if d % 2 else None,
                    "sla_hours": 4,
                    "tz": ZONES[d % 3][0],
                    "country": ZONES[d % 3][1],
                    "work_start": "09:00",
                    "work_end": "18:00",
                    "created_at": now - timedelta(days=90),
                }
                for d in range(DEPARTMENTS)
            ],
        )
        conn.execute(
            insert(Member),
            [
                {
                    "user_id": f"U{i}",
                    "name": f"p{i}",
                    "department_id": i % DEPARTMENTS + 1,
                    "tz": ZONES[(i % DEPARTMENTS) % 3][0],
                    "locale": "en-US",
                    "is_admin": False,
                    "locale_override": None,
                    "profile_checked_at": now,
                }
                for i in range(people)
            ],
        )
        batch = []
        for i in range(tasks):
            owner = (i * 7) % people
            created = now - timedelta(minutes=(i * 37) % (30 * 24 * 60))
            batch.append(
                {
                    "title": f"Task {i}",
                    "details": "",
                    "priority": "urgent" if i % 10 == 0 else "normal",
                    "status": ("open", "acknowledged", "in_progress", "blocked", "done")[i % 5],
                    "requester_id": f"U{(i + 1) % people}",
                    "owner_id": f"U{owner}",
                    "accountable_id": f"U{owner % DEPARTMENTS}",
                    "owning_department_id": owner % DEPARTMENTS + 1,
                    "requesting_department_id": (i + 1) % people % DEPARTMENTS + 1,
                    "private": False,
                    "due_at": now + timedelta(minutes=(i * 53) % (31 * 24 * 60) - 10 * 24 * 60),
                    "created_at": created,
                    "updated_at": created,
                    "assigned_at": created,
                    "done_at": created + timedelta(hours=1) if i % 5 == 4 else None,
                    "next_check_at": EPOCH,
                }
            )
            if len(batch) == 10_000:
                conn.execute(insert(Task), batch)
                batch = []
        if batch:
            conn.execute(insert(Task), batch)


def bench_sweep(sizes: list[int]) -> None:
    from handlers.reminders import CHECKS_PER_SWEEP
    from scheduler.sweep import sweep

    say("## 2. Sweep cost (`baton tick`: plan and queue everything due)")
    say(
        "Seeded as just upgraded, so the first sweeps look at every task once, at most "
        f"{CHECKS_PER_SWEEP:,} a sweep "
        "(the first tick is measured on its own); then a tick every minute for two days, which is what a "
        "running Baton does. The first day also carries that backlog, and what it held back for each "
        "zone's working morning; the second is the steady state. Statements are SQL statements sent to "
        "the database (batches of up to 1,000 rows count once)."
    )
    say()
    say(
        "| database | open tasks | first tick s | statements | queued "
        "| day 1: mean ms | max ms | queued | day 2: mean ms | p99 ms | max ms | max statements | queued |"
    )
    say("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    at = SWEEP_AT
    targets = [("sqlite", None)] + (
        [("postgresql", os.environ["TEST_DATABASE_URL"])] if os.environ.get("TEST_DATABASE_URL") else []
    )
    missed: list[tuple[str, float, dict[str, list[float]]]] = []  # the worst tick of a missed target
    for name, url in targets:
        for size in sizes:
            workdir = Path(tempfile.mkdtemp())
            engine = make_engine(url or f"sqlite:///{workdir / 'sweep.db'}")
            if url:
                with engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            migrate.upgrade(engine)
            seed(engine, size, 10_000, now=at)
            if url:
                with engine.begin() as conn:
                    conn.execute(text("ANALYZE"))  # as autovacuum would after a bulk load
            clock = StatementClock(engine)  # statements, and time in them, per tick
            started = time.perf_counter()
            caught_up = len(sweep(engine, now=at, default_tz="UTC"))
            catch_up, catch_up_statements = time.perf_counter() - started, clock.count
            days = []
            for day in range(2):
                times, statements, queued = [], [], 0
                worst: tuple[float, dict[str, list[float]]] = (0.0, {})
                for minute in range(1, 24 * 60 + 1):
                    clock.reset()
                    instant = at + timedelta(days=day, minutes=minute)
                    started = time.perf_counter()
                    queued += len(sweep(engine, now=instant, default_tz="UTC"))
                    times.append(1000 * (time.perf_counter() - started))
                    statements.append(clock.count)
                    if times[-1] > worst[0]:
                        worst = (times[-1], clock.statements)
                days.append((sorted(times), max(statements), queued, worst))
            (first, _, q1, _), (second, s2, q2, worst) = days
            p99 = second[int(len(second) * 0.99)]
            say(
                f"| {name} | {size:,} | {catch_up:.2f} | {catch_up_statements} | {caught_up:,} "
                f"| {sum(first) / len(first):.1f} | {first[-1]:.0f} | {q1:,} "
                f"| {sum(second) / len(second):.1f} | {p99:.0f} | {second[-1]:.0f} "
                f"| {s2} | {q2:,} |"
            )
            if size == 100_000:
                met = second[-1] < 1000
                target(f"minute tick, 100k tasks ({name}): < 1 s", met, f"max {second[-1]:.0f} ms")
                if not met:
                    missed.append((f"{name}, {size:,} open tasks, day 2", *worst))
            engine.dispose()
    for label, tick_ms, statements in missed:
        say()
        say(f"### Where the time goes: the slowest minute tick ({label}; a target missed)")
        for line in tick_lines(tick_ms, statements):
            say(line)
    say()
