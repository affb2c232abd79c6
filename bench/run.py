"""Baton's benchmarks: `python -m bench.run [--quick] [--big]`. Every figure is printed beside a baseline
measured in the same run, and everything is written to bench/RESULTS.md.

1. Slash commands over HTTP: `baton run` beside two bare Bolt apps on the same stack (wrk, or a Python
   load generator with a warning).
2. Sweep cost: `tick` over N open tasks and 10k people, on SQLite (and PostgreSQL when
   TEST_DATABASE_URL is set): the catch-up tick after an upgrade, then a day of minute ticks; seconds,
   and SQL statements (they must not grow with N).
3. Delivery: 5,000 direct messages through a fake Slack that enforces one message per second per
   channel and a workspace-wide ceiling: time against the floor those limits allow, and 429s received.
4. Memory and start-up: RSS of `baton run` idle and with 100k tasks; time to a healthy /healthz.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import event, insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage import migrate  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.models import Department, Member, OutboxMessage, Task  # noqa: E402
from storage.recheck_marks import EPOCH  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402
from tests.live import SECRET, signed_headers  # noqa: E402

NOW = datetime.now(UTC).replace(microsecond=0)
SWEEP_AT = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # a working Wednesday: 10:00 in Shanghai
LINES: list[str] = []
TARGETS: list[tuple[str, bool | None, str]] = []  # (target, met — None: not measured, figure)


def target(name: str, met: bool | None, figure: str) -> None:
    TARGETS.append((name, met, figure))


def say(line: str = "") -> None:
    print(line, flush=True)
    LINES.append(line)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, timeout: float = 30) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if httpx.get(url, timeout=0.5).status_code in (200, 404):
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} never answered")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ---- 1. slash commands over HTTP --------------------------------------------------------------


def start_baton(
    db_url: str, api_url: str, port: int, extra: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PORT": str(port),
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": db_url,
        "BATON_ADMINS": "U_ADMIN",
        **(extra or {}),
    }
    env.pop("SLACK_APP_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--no-scheduler"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_bare(kind: str, api_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SLACK_BOT_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bench.servers", kind, str(port), SECRET, api_url],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def slash_body(text_: str) -> str:
    return urlencode(
        {
            "command": "/task",
            "text": text_,
            "user_id": "U_ALICE",
            "user_name": "alice",
            "channel_id": "C_BENCH",
            "team_id": "T1",
            "trigger_id": "1.2",
        }
    )


def press_body(task_id: int) -> str:
    payload = {
        "type": "block_actions",
        "user": {"id": "U_PAUL", "username": "paul"},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "container": {"type": "message", "channel_id": "C_BENCH", "message_ts": "1.1"},
        "channel": {"id": "C_BENCH"},
        "trigger_id": "1.2",
        "response_url": "",
        "actions": [
            {
                "type": "button",
                "action_id": "task_ack",
                "block_id": "b",
                "value": str(task_id),
                "action_ts": "1",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def wrk(url: str, body: str, connections: int, seconds: int) -> dict[str, float]:
    headers = signed_headers(body)
    lua = (
        "wrk.method = 'POST'\nwrk.body = "
        + json.dumps(body)
        + "\n"
        + "".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items())
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "1" if connections == 1 else "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            f.name,
            url,
        ],
        capture_output=True,
        text=True,
    ).stdout
    os.unlink(f.name)

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        if not m:
            return float("nan")
        value, unit = float(m[1]), m[2]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(rps[1]) if rps else float("nan"),
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": float(errors[1]) if errors else 0.0,
    }


def python_load(url: str, body: str, connections: int, seconds: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker() -> None:
        nonlocal errors
        with httpx.Client(timeout=10) as client:
            while time.monotonic() < stop:
                started = time.monotonic()
                r = client.post(url, content=body, headers=signed_headers(body))
                with lock:
                    latencies.append((time.monotonic() - started) * 1000)
                    errors += r.status_code != 200

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "errors": float(errors),
    }


def post_as(base: str, user: str, text_: str) -> None:
    body = urlencode(
        {"command": "/task", "text": text_, "user_id": user, "user_name": user.lower(), "channel_id": "C1"}
    )
    httpx.post(base, content=body, headers=signed_headers(body), timeout=30)


def fresh_database(kind: str) -> str:
    """An empty, migrated database: a file for SQLite, TEST_DATABASE_URL emptied for PostgreSQL."""
    if kind == "sqlite":
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    else:
        url = os.environ["TEST_DATABASE_URL"]
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def cell(r: dict[str, float]) -> str:
    err = f", {int(r['errors'])} errors" if r["errors"] else ""
    return f"{r['rps']:.0f} rps, {r['p50']:.1f}/{r['p99']:.1f} ms{err}"


def bench_http(seconds: int) -> None:
    """SQLite, delivery running against the fake Slack (in `baton run`'s thread: the SQLite default),
    beside two bare Bolt apps measured in the same run; then PostgreSQL with one and two processes."""
    say("## 1. Slash commands over HTTP")
    load = wrk if shutil.which("wrk") else python_load
    if load is python_load:
        say(
            "WARNING: wrk not found (apt-get install wrk): "
            "using a Python load generator, which competes for CPU"
        )
    fake = FakeSlack().start()
    fake.add_user("U_ALICE", "alice")
    fake.add_user("U_PAUL", "paul")
    fake.add_user("U_ADMIN", "admin", admin=True)
    servers = {"baton": (start_baton(fresh_database("sqlite"), fake.url, p := free_port()), p)}
    for kind in ("default", "tuned"):
        servers[kind] = (start_bare(kind, fake.url, q := free_port()), q)
    cases = {
        "/task new": slash_body('new Check the seals on line 3 <@U_PAUL|paul> due:"in 3 days" !high'),
        "/task list": slash_body("list all"),
        "button press": press_body(1),
    }
    try:
        for _, port in servers.values():
            wait_healthy(f"http://127.0.0.1:{port}/healthz")
        base = f"http://127.0.0.1:{servers['baton'][1]}/slack/events"
        post_as(base, "U_ADMIN", "dept add production lead <@U_PAUL|paul>")
        post_as(base, "U_ALICE", "new First <@U_PAUL|paul>")
        say(f"load: {load.__name__}, {seconds}s per run; columns: requests/s, p50 ms, p99 ms")
        say(
            "| case | conns | Baton | bare Bolt (default) | bare Bolt (process_before_response) "
            "| Baton ÷ tuned | Baton ÷ default |"
        )
        say("|---|---|---|---|---|---|---|")
        for case, body in cases.items():
            for conns in (1, 50):
                results = {}
                for name, (_, port) in servers.items():
                    results[name] = load(f"http://127.0.0.1:{port}/slack/events", body, conns, seconds)
                b, d, t = results["baton"], results["default"], results["tuned"]
                ratio = b["rps"] / t["rps"]
                row = f"| {case} | {conns} | {cell(b)} | {cell(d)} | {cell(t)}"
                say(f"{row} | {ratio:.2f} | {b['rps'] / d['rps']:.1f} |")
                if case == "/task list":
                    continue
                if conns == 50:
                    target(
                        f"{case}, 50 conns (SQLite): ≥ 0.3× tuned bare Bolt", ratio >= 0.3, f"{ratio:.2f}×"
                    )
                    target(f"{case}, 50 conns (SQLite): p99 < 100 ms", b["p99"] < 100, f"{b['p99']:.0f} ms")
                else:
                    target(
                        f"{case}, 1 conn (SQLite): p99 < 3× p50",
                        b["p99"] < 3 * b["p50"],
                        f"p50 {b['p50']:.1f} ms, p99 {b['p99']:.1f} ms",
                    )
    finally:
        for proc, _ in servers.values():
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)
    say()
    bench_list(load, seconds, fake)
    if os.environ.get("TEST_DATABASE_URL"):
        bench_postgres(load, seconds, fake, cases)
    else:
        say("PostgreSQL: not measured (set TEST_DATABASE_URL)")
        target("PostgreSQL: 2 processes ≥ 1.6× one", None, "TEST_DATABASE_URL not set")
    fake.stop()
    say()


def bench_list(load: Any, seconds: int, fake: FakeSlack, tasks: int = 10_000) -> None:
    url = fresh_database("sqlite")
    engine = make_engine(url)
    seed(engine, tasks, 1_000)
    engine.dispose()
    proc = start_baton(url, fake.url, port := free_port())
    try:
        wait_healthy(f"http://127.0.0.1:{port}/healthz")
        r = load(f"http://127.0.0.1:{port}/slack/events", slash_body("list all"), 1, seconds)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    say(f"`/task list all` with {tasks:,} open tasks, 1 connection (SQLite): {cell(r)}")
    target(f"/task list all, {tasks:,} open tasks, 1 conn: p99 < 50 ms", r["p99"] < 50, f"{r['p99']:.1f} ms")


def bench_postgres(load: Any, seconds: int, fake: FakeSlack, cases: dict[str, str]) -> None:
    say("PostgreSQL, delivery in its own process (the default there), 50 connections:")
    say("| case | 1 process | 2 processes | 2 ÷ 1 |")
    say("|---|---|---|---|")
    rows: dict[str, list[dict[str, float]]] = {case: [] for case in cases}
    for workers in (1, 2):
        url = fresh_database("postgresql")
        proc = start_baton(url, fake.url, port := free_port(), {"BATON_WORKERS": str(workers)})
        try:
            wait_healthy(f"http://127.0.0.1:{port}/healthz")
            base = f"http://127.0.0.1:{port}/slack/events"
            post_as(base, "U_ADMIN", "dept add production lead <@U_PAUL|paul>")
            post_as(base, "U_ALICE", "new First <@U_PAUL|paul>")
            for case, body in cases.items():
                rows[case].append(load(base, body, 50, seconds))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    for case, (one, two) in rows.items():
        say(f"| {case} | {cell(one)} | {cell(two)} | {two['rps'] / one['rps']:.2f} |")
    new_one, new_two = rows["/task new"]
    ratio = new_two["rps"] / new_one["rps"]
    target("PostgreSQL: /task new, 2 processes ≥ 1.6× one", ratio >= 1.6, f"{ratio:.2f}×")


def bench_inprocess(count: int) -> None:
    from bench.inprocess import measure

    say("## 0. CPU per request, in-process (`App.dispatch` of a signed request, SQLite file in WAL)")
    result = measure(count)
    say(
        f'/task new with an owner and `due:"in 3 days"`: {result["new"]:.2f} ms; '
        f"button press: {result['press']:.2f} ms (median CPU of {count:,})"
    )
    target("in-process /task new ≤ 0.6 ms CPU", result["new"] <= 0.6, f"{result['new']:.2f} ms")
    target(
        "in-process button press: same order (≤ 1.2 ms CPU)",
        result["press"] <= 1.2,
        f"{result['press']:.2f} ms",
    )
    say()


def report_targets() -> None:
    say("## Targets (issue 14), as measured in this run")
    say("| target | result | figure |")
    say("|---|---|---|")
    for name, met, figure in TARGETS:
        say(f"| {name} | {'met' if met else 'not measured' if met is None else '**missed**'} | {figure} |")
    say()


# ---- 2. sweep cost ----------------------------------------------------------------------------


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
    from scheduler.sweep import sweep

    say("## 2. Sweep cost (`baton tick`: plan and queue everything due)")
    say(
        "Seeded as just upgraded, so the first sweeps look at every task once, at most 10,000 a sweep "
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
            counter = {"n": 0}

            def count_statement(*_args: Any, c: dict[str, int] = counter, **_kwargs: Any) -> None:
                c["n"] += 1

            event.listen(engine, "before_cursor_execute", count_statement)
            started = time.perf_counter()
            caught_up = len(sweep(engine, now=at, default_tz="UTC"))
            catch_up, catch_up_statements = time.perf_counter() - started, counter["n"]
            days = []
            for day in range(2):
                times, statements, queued = [], [], 0
                for minute in range(1, 24 * 60 + 1):
                    counter["n"] = 0
                    instant = at + timedelta(days=day, minutes=minute)
                    started = time.perf_counter()
                    queued += len(sweep(engine, now=instant, default_tz="UTC"))
                    times.append(1000 * (time.perf_counter() - started))
                    statements.append(counter["n"])
                days.append((sorted(times), max(statements), queued))
            (first, _, q1), (second, s2, q2) = days
            p99 = second[int(len(second) * 0.99)]
            say(
                f"| {name} | {size:,} | {catch_up:.2f} | {catch_up_statements} | {caught_up:,} "
                f"| {sum(first) / len(first):.1f} | {first[-1]:.0f} | {q1:,} "
                f"| {sum(second) / len(second):.1f} | {p99:.0f} | {second[-1]:.0f} "
                f"| {s2} | {q2:,} |"
            )
            if size == 100_000:
                target(
                    f"minute tick, 100k tasks ({name}): < 1 s", second[-1] < 1000, f"max {second[-1]:.0f} ms"
                )
            engine.dispose()
    say()


# ---- 3. delivery at Slack's rate floor -------------------------------------------------------------


class RateLimitedSlack(FakeSlack):
    """One message per second per channel, and a workspace-wide ceiling per second; 429 beyond either."""

    def __init__(self, per_second: int) -> None:
        super().__init__()
        self.per_second = per_second
        self.window: list[float] = []
        self.last: dict[str, float] = {}
        self.rejected = 0

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if method == "chat.postMessage":
            with self._lock:
                now = time.monotonic()
                self.window = [t for t in self.window if now - t < 1.0]
                channel = str(params.get("channel"))
                if len(self.window) >= self.per_second or now - self.last.get(channel, -9) < 1.0:
                    self.rejected += 1
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
                self.window.append(now)
                self.last[channel] = now
        return super()._answer(method, params)


def bench_delivery(count: int, ceiling: int) -> None:
    from bot.app import web_client
    from bot.settings import Settings
    from bot.slack.sender import SlackSender
    from handlers.clock import system_clock
    from scheduler.delivery import DeliveryWorker

    say("## 3. Delivery: stand-up prompts through Slack's limits")
    fake = RateLimitedSlack(ceiling).start()
    workdir = Path(tempfile.mkdtemp())
    engine = make_engine(f"sqlite:///{workdir / 'delivery.db'}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(Member),
            [
                {
                    "user_id": f"U{i}",
                    "name": f"p{i}",
                    "tz": "UTC",
                    "locale": "en-US",
                    "is_admin": False,
                    "profile_checked_at": NOW,
                    "department_id": None,
                    "locale_override": None,
                }
                for i in range(count)
            ],
        )
        data = json.dumps({"channel": None, "key": "standup_prompt_console", "params": {}})
        conn.execute(
            insert(OutboxMessage),
            [
                {
                    "kind": "ephemeral",
                    "recipient": f"U{i}",
                    "event": "",
                    "data": data,
                    "status": "pending",
                    "attempts": 0,
                    "created_at": NOW,
                    "next_attempt_at": NOW,
                }
                for i in range(count)
            ],
        )
    settings = Settings(SLACK_BOT_TOKEN="xoxb-bench", SLACK_API_URL=fake.url, DATABASE_URL="sqlite://")  # type: ignore[call-arg]
    client = web_client(settings)
    client.retry_handlers = []
    worker = DeliveryWorker(engine, SlackSender(client), system_clock)
    started = time.perf_counter()
    while True:
        worker.deliver_due()
        with engine.connect() as conn:
            left = conn.execute(text("SELECT count(*) FROM outboxmessage WHERE status = 'pending'")).scalar()
        if not left:
            break
        time.sleep(0.05)  # a real worker idles between passes too
    elapsed = time.perf_counter() - started
    floor = count / ceiling
    accepted = len(fake.calls_to("chat.postMessage"))
    fake.stop()
    say(f"{count:,} DMs to {count:,} people, workspace ceiling {ceiling}/s, one per second per channel")
    say(
        f"delivered {accepted:,} in {elapsed:.1f} s; floor {floor:.1f} s; ratio {elapsed / floor:.2f}; "
        f"429s received {fake.rejected}"
    )
    target(f"{count:,} DMs within 10% of the floor", elapsed / floor <= 1.1, f"{elapsed / floor:.2f}×")
    say()


# ---- 4. memory and start-up ----------------------------------------------------------------------


def bench_process(tasks: int) -> None:
    say("## 4. Memory and start-up of `baton run`")
    fake = FakeSlack().start()
    for label, size in (("empty database", 0), (f"{tasks:,} tasks", tasks)):
        workdir = Path(tempfile.mkdtemp())
        url = f"sqlite:///{workdir / 'p.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        if size:
            seed(engine, size, 10_000)
        engine.dispose()
        port = free_port()
        started = time.monotonic()
        proc = start_baton(url, fake.url, port)
        to_healthy = wait_healthy(f"http://127.0.0.1:{port}/healthz")
        body = slash_body("list all")
        httpx.post(
            f"http://127.0.0.1:{port}/slack/events", content=body, headers=signed_headers(body), timeout=30
        )
        time.sleep(1)
        idle = rss_mb(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        say(
            f"{label}: healthy after {to_healthy:.2f} s (process start included: "
            f"{time.monotonic() - started - 1:.2f} s to stop-ready), "
            f"RSS after a `/task list all`: {idle:.0f} MB"
        )
        target(f"idle RSS < 120 MB ({label})", idle < 120, f"{idle:.0f} MB")
        target(f"start-up < 2 s ({label})", to_healthy < 2, f"{to_healthy:.2f} s")
    baseline = subprocess.run(
        [
            sys.executable,
            "-c",
            "import slack_bolt, sqlalchemy, uvicorn, dateparser;print(open('/proc/self/status').read())",
        ],
        capture_output=True,
        text=True,
    ).stdout
    base_rss = next(
        (int(line.split()[1]) / 1024 for line in baseline.splitlines() if line.startswith("VmRSS")), 0
    )
    say(f"baseline: a bare Python importing Bolt, SQLAlchemy, uvicorn and dateparser: {base_rss:.0f} MB")
    fake.stop()
    say()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short runs, small sizes (a smoke test)")
    parser.add_argument(
        "--only", choices=("inprocess", "http"), help="one section (not written to RESULTS.md)"
    )
    parser.add_argument("--big", action="store_true", help="also sweep 1,000,000 tasks (slow to seed)")
    args = parser.parse_args()
    say(f"# Baton benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    say(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    say()
    if args.only:
        bench_inprocess(300 if args.quick else 2_000) if args.only == "inprocess" else bench_http(
            2 if args.quick else 5
        )
        report_targets()
        return
    bench_inprocess(count=300 if args.quick else 2_000)
    bench_http(seconds=2 if args.quick else 5)
    sizes = [1_000, 10_000] if args.quick else [10_000, 100_000] + ([1_000_000] if args.big else [])
    bench_sweep(sizes)
    bench_delivery(count=500 if args.quick else 5_000, ceiling=100 if args.quick else 200)
    bench_process(tasks=10_000 if args.quick else 100_000)
    report_targets()
    if not args.quick:
        (ROOT / "bench" / "RESULTS.md").write_text("\n".join(LINES) + "\n", encoding="utf-8")
        print("written to bench/RESULTS.md")


if __name__ == "__main__":
    main()
