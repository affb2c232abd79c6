"""What every benchmark section shares: the report (`say`, `target`), ports, health checks, RSS, and starting
Baton or a bare Bolt app as a subprocess."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage import migrate  # noqa: E402
from storage.db import make_engine  # noqa: E402
from tests.live import SECRET  # noqa: E402

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


def report_targets() -> None:
    say("## Targets (issue 14), as measured in this run")
    say("| target | result | figure |")
    say("|---|---|---|")
    for name, met, figure in TARGETS:
        say(f"| {name} | {'met' if met else 'not measured' if met is None else '**missed**'} | {figure} |")
    say()


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """CPU seconds (user + system) a process has used, 0 when it is gone; with `reaped`, also what its
    children that have ended used (PostgreSQL's postmaster collects its closed backends' time there, so a
    sum over the live processes and their reaped children never goes backwards)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    used = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped else 0)
    return used / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # the process ended meanwhile
                todo += [int(c) for c in task.read_text().split()]
    return found


def _named(name: str) -> list[int]:
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == name:
                pids.append(int(comm.parent.name))
        except OSError:
            pass
    return pids


def _role(pid: int) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "gone"
    return "delivery" if "workers deliver" in cmdline else "serving"


def serving_pid(pid: int) -> int:
    """The process of `baton run` (started as `pid`) that answers HTTP: not its delivery child."""
    return next((p for p in descendants(pid) if _role(p) == "serving"), pid)


class CpuMeter:
    """Where the machine's cores went during a load run: Baton's serving and delivery processes,
    PostgreSQL, and everything else (the load generator, the fake Slack), in cores busy on average."""

    def __init__(self, baton_pid: int) -> None:
        self.baton_pid = baton_pid

    def _sample(self) -> tuple[float, dict[str, float], float, float]:
        stat = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        values = [int(v) for v in stat]
        busy = (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")
        roles: dict[str, float] = {"serving": 0.0, "delivery": 0.0}
        for pid in descendants(self.baton_pid):
            role = _role(pid)
            if role in roles:
                roles[role] += cpu_seconds(pid)
        postgres = sum(cpu_seconds(pid, reaped=True) for pid in _named("postgres"))
        return time.monotonic(), roles, postgres, busy

    def __enter__(self) -> CpuMeter:
        self.before = self._sample()
        return self

    def __exit__(self, *_: object) -> None:
        (t0, r0, pg0, b0), (t1, r1, pg1, b1) = self.before, self._sample()
        span = t1 - t0
        self.serving = (r1["serving"] - r0["serving"]) / span
        self.delivery = (r1["delivery"] - r0["delivery"]) / span
        self.postgres = (pg1 - pg0) / span
        self.busy = (b1 - b0) / span
        self.other = max(0.0, self.busy - self.serving - self.delivery - self.postgres)

    def line(self) -> str:
        return (
            f"{self.busy:.2f} of {os.cpu_count()} cores busy: Baton serving {self.serving:.2f}, "
            f"delivery {self.delivery:.2f}, PostgreSQL {self.postgres:.2f}, the rest (load generator, "
            f"fake Slack) {self.other:.2f}"
        )
