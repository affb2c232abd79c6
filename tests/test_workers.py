"""Delivery in its own process: chosen by BATON_DELIVERY, started and stopped by `baton run`, woken
through the database (NOTIFY on PostgreSQL, a poll on SQLite)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.workers import DELIVERY_NICENESS, DatabaseWaker, delivery_mode, listen
from tests.fake_slack import FakeSlack
from tests.live import eventually, run_env, signed_headers
from tests.test_run_command import free_port


def settings(url: str, delivery: str | None = None) -> Settings:
    extra = {"BATON_DELIVERY": delivery} if delivery else {}
    return Settings(DATABASE_URL=url, **extra)  # type: ignore[call-arg]


def test_delivery_runs_in_its_own_process_on_postgresql_and_in_a_thread_on_sqlite() -> None:
    assert delivery_mode(settings("postgresql+psycopg://db/baton")) == "process"
    assert delivery_mode(settings("sqlite:///baton.db")) == "process"  # SQLite too: measured faster
    assert delivery_mode(settings("sqlite:///baton.db", "process")) == "process"
    assert delivery_mode(settings("postgresql+psycopg://db/baton", "thread")) == "thread"
    with pytest.raises(ValueError):
        settings("sqlite:///baton.db", "fork")


def slash(text: str) -> str:
    return urlencode(
        {"command": "/task", "text": text, "user_id": "U_ADMIN", "user_name": "admin", "channel_id": "C_OPS"}
    )


def test_baton_run_starts_and_stops_a_delivery_process(tmp_path: Path, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U_ADMIN", "admin", admin=True)
    port, log = free_port(), tmp_path / "run.log"
    env = run_env(
        f"sqlite:///{tmp_path / 'run.db'}", api_url=fake_slack.url, port=port, BATON_DELIVERY="process"
    )
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--no-scheduler"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=out,
        )
    try:
        found = eventually(lambda: re.search(r"delivery runs in process (\d+)", log.read_text()), timeout=30)
        child = int(found[1])
        assert child != proc.pid and Path(f"/proc/{child}").exists()
        # Background work: when cores are short, the process answering Slack goes first.
        serving = os.getpriority(os.PRIO_PROCESS, proc.pid)
        eventually(lambda: os.getpriority(os.PRIO_PROCESS, child) == serving + DELIVERY_NICENESS, timeout=10)
        base = f"http://127.0.0.1:{port}/slack/events"

        def post(text: str) -> httpx.Response | None:
            try:
                return httpx.post(base, content=(b := slash(text)), headers=signed_headers(b), timeout=10)
            except httpx.HTTPError:
                return None

        eventually(lambda: post("dept add ops lead <@U_ADMIN|admin> channel <#C_OPS|ops>"), timeout=30)
        assert post("new Restock gloves #ops") is not None
        card = eventually(lambda: fake_slack.calls_to("chat.postMessage"), what="the card")[0]
        assert "Restock gloves" in json.dumps(card.params["blocks"])
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0, log.read_text()
    assert not Path(f"/proc/{child}").exists()  # stopped with it (and reaped)


class Woken:
    def __init__(self) -> None:
        self.count = 0

    def wake(self) -> None:
        self.count += 1


def test_a_request_wakes_the_delivery_process_through_notify(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite's delivery process polls")
    woken, stop = Woken(), threading.Event()
    listener = threading.Thread(target=listen, args=(engine, woken, stop), daemon=True)
    listener.start()
    waker = DatabaseWaker(engine)
    waker.start()
    try:
        # The listener may not be listening yet: wake until it hears one.
        eventually(lambda: (waker.wake(), woken.count)[1] > 0, what="a NOTIFY heard", timeout=10)
        assert waker.sent >= 1
    finally:
        stop.set()
        waker.stop()
        listener.join(5)


def test_several_workers_are_refused_on_sqlite_with_one_line(tmp_path: Path) -> None:
    env = run_env(f"sqlite:///{tmp_path / 'run.db'}")
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--workers", "2"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "baton: --workers 2 needs PostgreSQL: SQLite has one writer, so more processes only queue on it "
        "(set DATABASE_URL to a PostgreSQL database, or run one worker)"
    ]


def test_two_workers_serve_one_port_on_postgresql(engine: Engine, fake_slack: FakeSlack) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("several serving processes need PostgreSQL")
    from storage import migrate

    migrate.upgrade(engine)
    fake_slack.add_user("U_ADMIN", "admin", admin=True)
    port = free_port()
    url = engine.url.render_as_string(hide_password=False)
    env = run_env(url, api_url=fake_slack.url, port=port, BATON_WORKERS="2")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--no-scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/slack/events"

        def post(text: str) -> httpx.Response | None:
            try:
                return httpx.post(base, content=(b := slash(text)), headers=signed_headers(b), timeout=10)
            except httpx.HTTPError:
                return None

        eventually(lambda: post("dept add ops lead <@U_ADMIN|admin> channel <#C_OPS|ops>"), timeout=30)
        for i in range(6):
            assert post(f"new Restock gloves {i} #ops") is not None
        eventually(lambda: len(fake_slack.calls_to("chat.postMessage")) >= 6, what="six cards", timeout=20)
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    serving = re.search(r"serves port \d+ with 2 processes; delivery runs in process (\d+)", output)
    assert serving is not None, output
    assert len(set(re.findall(r"Started server process \[(\d+)\]", output))) == 2, output


def test_the_delivery_process_leaves_sqlite_checkpoints_to_a_thread(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Left to SQLite, one delivery commit in about fifty copied the log into the database while it held
    the writers' lock (storage/writers.py), and the requests queued behind it."""
    import storage.checkpoint
    from bot.workers import run_delivery
    from storage import migrate
    from storage.db import make_engine

    url = f"sqlite:///{tmp_path / 'd.db'}"
    migrate.upgrade(make_engine(url))
    autocheckpoint: list[int] = []

    class Checkpointer(storage.checkpoint.WalCheckpointer):
        def start(self) -> None:
            super().start()
            with self.engine.connect() as conn:  # the delivery's own connections, from here on
                autocheckpoint.append(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar())

    monkeypatch.setattr(storage.checkpoint, "WalCheckpointer", Checkpointer)
    stop = threading.Event()
    delivery = threading.Thread(target=run_delivery, args=(settings(url), stop))
    delivery.start()
    try:
        eventually(lambda: autocheckpoint, what="the delivery process to start")
    finally:
        stop.set()
        delivery.join(10)
    assert autocheckpoint == [0] and not delivery.is_alive()
