"""Delivery in its own process: `baton run` starts it, stops it, and wakes it through the database.

Sending a task's DM and channel card costs the process that does it renders, Web API calls and commits;
in the process that answers requests that CPU competes with them under one GIL. So by default
(BATON_DELIVERY=process, or auto) a second process delivers; a request that queued something sends
`NOTIFY baton_outbox` (PostgreSQL) — on SQLite the delivery process polls every 100 ms, one indexed read.
Measured on SQLite (bench/RESULTS.md, section 1), the serving process then answers about 1.4 times as
many requests at 50 connections, with a shorter tail at one. BATON_DELIVERY=thread keeps delivery inside
the serving process: one process, about 60 MB less, where memory matters more than throughput.

python -m bot.workers deliver   (what `baton run` starts; not meant to be run by hand)
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Literal

from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.settings import ConfigError, Settings

if TYPE_CHECKING:
    from bot.app import Baton

log = logging.getLogger("baton.workers")
CHANNEL = "baton_outbox"
SQLITE_POLL = 0.1  # seconds between looks at the outbox when nothing can wake the delivery process
NOTIFY_EVERY = 0.02  # under load, one NOTIFY carries every request of the last 20 ms

DeliveryMode = Literal["process", "thread"]


DELIVERY_NICENESS = 10


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def delivery_mode(settings: Settings) -> DeliveryMode:
    chosen = settings.baton_delivery
    return "process" if chosen == "auto" else chosen


class DatabaseWaker:
    """Stands in for the delivery worker in a serving process: `wake()` tells the delivery process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.notify = is_postgres(str(engine.url))
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sent = 0

    def wake(self) -> None:
        self._wanted.set()  # no database work on the request path: the thread below sends it

    def start(self) -> None:
        if self.notify and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="baton-notify", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wanted.wait()
            if self._stop.is_set():
                return
            self._wanted.clear()
            try:
                with self.engine.begin() as conn:
                    conn.execute(text(f"NOTIFY {CHANNEL}"))
                self.sent += 1
            except Exception:  # noqa: BLE001 - the delivery process also polls; a lost wake only delays
                log.exception("could not wake the delivery process")
            self._stop.wait(NOTIFY_EVERY)


def start_delivery(baton: Baton, settings: Settings) -> subprocess.Popen[bytes] | None:
    """Before `baton.start()`: in process mode, start the delivery process and make the serving
    process's worker a waker. In thread mode nothing changes (None)."""
    if os.environ.get(CHILD):  # one of several serving processes: the parent runs delivery
        baton.worker = DatabaseWaker(baton.engine)  # type: ignore[assignment]
        return None
    if delivery_mode(settings) == "thread":
        return None
    baton.worker = DatabaseWaker(baton.engine)  # type: ignore[assignment]
    child = subprocess.Popen([sys.executable, "-m", "bot.workers", "deliver"], env=os.environ.copy())
    return child


def stop_delivery(child: subprocess.Popen[bytes] | None) -> None:
    """After `baton.stop()`: the delivery process finishes what it holds, then exits."""
    if child is None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def listen(engine: Engine, wake: object, stop: threading.Event) -> None:
    """Wake the worker on every NOTIFY (PostgreSQL); the worker's own poll covers a lost connection."""
    import psycopg

    url = engine.url.set(drivername="postgresql")
    while not stop.is_set():
        try:
            with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                while not stop.is_set():
                    for _ in conn.notifies(timeout=1.0, stop_after=1):
                        wake.wake()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - reconnect after a pause; polling carries on meanwhile
            log.exception("LISTEN %s failed; reconnecting", CHANNEL)
            stop.wait(1.0)


def run_delivery(settings: Settings, stop: threading.Event) -> None:
    """The delivery process: the worker of `create_app`, woken by NOTIFY or polling, until `stop`."""
    from bot.app import create_app
    from storage.checkpoint import WalCheckpointer
    from storage.db import make_engine

    baton = create_app(settings, engine=make_engine(settings.database_url))
    baton.worker.idle_wait = 1.0 if is_postgres(settings.database_url) else SQLITE_POLL
    # SQLite: checkpoints from a thread, as in a serving process. Left to SQLite, one commit in about
    # fifty copied the log into the database inside the writers' lock (storage/writers.py), and every
    # request waited on it: p99 at 50 connections 79 -> 103 ms. Nothing to do on PostgreSQL.
    checkpointer = WalCheckpointer(baton.engine)
    checkpointer.start()
    baton.worker.start()
    listener = None
    if is_postgres(settings.database_url):
        listener = threading.Thread(target=listen, args=(baton.engine, baton.worker, stop), daemon=True)
        listener.start()
    try:
        stop.wait()
    finally:
        baton.worker.stop()
        checkpointer.stop()
        if listener is not None:
            listener.join(5)
        baton.engine.dispose()


def background_priority() -> None:
    """Delivery is background work: when the cores are all busy, the serving processes go first
    (Slack waits three seconds for an answer; a DM that leaves a moment later loses nothing). At
    niceness 10 delivery still gets a tenth of a contended core, and every idle cycle (measured: 50
    connections of /task new on two cores, 237 -> 300 requests/s, p99 657 -> 286 ms)."""
    with contextlib.suppress(OSError):  # a platform without nice: run at the usual priority
        os.nice(DELIVERY_NICENESS)


def main(argv: list[str]) -> int:
    if argv[:1] != ["deliver"]:
        print("usage: python -m bot.workers deliver", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    background_priority()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    run_delivery(Settings(), stop)  # type: ignore[call-arg]
    return 0


# ---- several HTTP processes on one port (PostgreSQL) -------------------------------------------

LISTEN_FD = "BATON_LISTEN_FD"  # set for a serving child: the pre-bound socket it inherited
CHILD = "BATON_SERVING_CHILD"  # set for a serving child: the parent runs delivery, not the child


class TooManyWorkers(ConfigError):
    """`--workers > 1` asked of a database with one writer."""


def workers_wanted(requested: int | None, settings: Settings) -> int:
    count = requested if requested is not None else settings.baton_workers
    if count > 1 and not is_postgres(settings.database_url):
        raise TooManyWorkers(
            f"--workers {count} needs PostgreSQL: SQLite has one writer, so more processes only queue on "
            "it (set DATABASE_URL to a PostgreSQL database, or run one worker)"
        )
    return max(1, count)


def inherited_socket() -> socket.socket | None:
    fd = os.environ.get(LISTEN_FD)
    return socket.socket(fileno=int(fd)) if fd else None


def serve_workers(count: int, settings: Settings, *, with_scheduler: bool) -> int:
    """Bind the port once and fork-exec `count` `baton run` children that accept on it; deliver (and
    sweep, in the first child only) beside them. Stops them all on SIGTERM or SIGINT."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", settings.port))
    sock.listen(2048)
    sock.set_inheritable(True)
    env = {**os.environ, LISTEN_FD: str(sock.fileno()), CHILD: "1"}
    # Several serving processes: one delivery process for all of them (PostgreSQL, so NOTIFY wakes it).
    delivery = subprocess.Popen([sys.executable, "-m", "bot.workers", "deliver"], env=os.environ.copy())
    children = []
    for i in range(count):
        argv = [sys.executable, "-m", "bot.cli", "run", "--workers", "1"]
        if i > 0 or not with_scheduler:
            argv.append("--no-scheduler")  # one sweeper is enough (and the database dedupes anyway)
        children.append(subprocess.Popen(argv, env=env, pass_fds=(sock.fileno(),)))
    log.info(
        "Baton serves port %s with %s processes; delivery runs in process %s",
        settings.port,
        count,
        delivery.pid,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.5):
        if any(child.poll() is not None for child in children):
            log.error("a worker process exited; stopping the others")
            break
    for proc in [*children, delivery]:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    codes = [stop_child(proc) for proc in [*children, delivery] if proc is not None]
    sock.close()
    return 0 if stop.is_set() and not any(codes) else 1


def stop_child(proc: subprocess.Popen[bytes]) -> int:
    try:
        return proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
