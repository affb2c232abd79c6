"""Several `baton run` processes on one PostgreSQL database: every message exactly once, while they
all deliver at once and when one is stopped (SIGTERM) in the middle of a burst."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlmodel import Session, select

from storage.db import make_engine
from storage.models import OutboxMessage
from tests.conftest import PG_URL
from tests.fake_slack import FakeSlack
from tests.live import SECRET, eventually, signed_headers

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Replica:
    def __init__(self, database_url: str, api_url: str, workdir: Path) -> None:
        self.port = free_port()
        env = {
            **os.environ, "PYTHONPATH": str(ROOT), "PORT": str(self.port), "SLACK_BOT_TOKEN": "xoxb-replica",
            "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url, "DATABASE_URL": database_url,
            "BATON_ADMINS": "U_ADMIN",
        }  # fmt: skip
        env.pop("SLACK_APP_TOKEN", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--no-scheduler"],
            env=env,
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        eventually(self.healthy, timeout=30, what=f"replica on port {self.port}")

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def slash(self, user_id: str, text: str, channel: str) -> str:
        body = urlencode(
            {
                "command": "/task",
                "text": text,
                "user_id": user_id,
                "user_name": user_id.lower(),
                "channel_id": channel,
                "team_id": "T1",
            }
        )
        response = httpx.post(
            f"{self.base}/slack/events", content=body, headers=signed_headers(body), timeout=10
        )
        assert response.status_code == 200
        return str(response.json()["text"])

    def stop(self) -> float:
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)
        return time.monotonic() - started


@pytest.fixture
def pg(db_kind: str, file_engine_url: str) -> str:
    if db_kind != "postgres" or not PG_URL:
        pytest.skip("replicas share PostgreSQL (TEST_DATABASE_URL); SQLite is for one process on one host")
    return file_engine_url


@pytest.fixture
def slack(fake_slack: FakeSlack) -> Iterator[FakeSlack]:
    for user_id, name in (("U_ADMIN", "admin"), ("U_ALICE", "alice"), ("U_PAUL", "paul")):
        fake_slack.add_user(user_id, name, admin=user_id == "U_ADMIN")
    yield fake_slack


def nothing_pending(url: str) -> bool:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            rows = session.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
            return not rows
    finally:
        engine.dispose()


def once_each(slack: FakeSlack) -> Counter[tuple[str, str]]:
    return Counter((c.params["channel"], c.params["text"]) for c in slack.calls_to("chat.postMessage"))


def test_three_replicas_deliver_every_message_exactly_once(pg: str, slack: FakeSlack, tmp_path: Path) -> None:
    slack.delays["chat.postMessage"] = 0.05  # slow enough that the three workers really overlap
    replicas = [Replica(pg, slack.url, tmp_path) for _ in range(3)]
    try:
        replicas[0].slash("U_ADMIN", "dept add production lead <@U_PAUL|paul>", "C_ADMIN")
        for i in range(30):
            reply = replicas[i % 3].slash("U_ALICE", f"new Job {i} <@U_PAUL|paul>", f"C_{i}")
            assert reply.startswith("Filed T-")
        eventually(lambda: len(slack.calls_to("chat.postMessage")) >= 60, timeout=60, what="60 messages")
        eventually(lambda: nothing_pending(pg), timeout=30, what="the outbox to settle")  # no more can come
        counts = once_each(slack)
        assert len(counts) == 60 and set(counts.values()) == {1}
    finally:
        for replica in replicas:
            replica.stop()


def test_sigterm_during_a_burst_loses_nothing(pg: str, slack: FakeSlack, tmp_path: Path) -> None:
    slack.delays["chat.postMessage"] = 0.2
    first = Replica(pg, slack.url, tmp_path)
    first.slash("U_ADMIN", "dept add production lead <@U_PAUL|paul>", "C_ADMIN")
    for i in range(15):
        first.slash("U_ALICE", f"new Burst {i} <@U_PAUL|paul>", f"C_{i}")
    eventually(lambda: slack.calls_to("chat.postMessage"), what="the burst to start")
    assert first.stop() < 10  # stops taking work, finishes what it holds, and exits in time
    assert first.proc.returncode == 0
    delivered_before_restart = len(slack.calls_to("chat.postMessage"))
    assert delivered_before_restart < 30  # it really was stopped mid-burst
    second = Replica(pg, slack.url, tmp_path)
    try:
        eventually(lambda: len(slack.calls_to("chat.postMessage")) >= 30, timeout=60, what="the rest")
        eventually(lambda: nothing_pending(pg), timeout=30, what="the outbox to settle")
        counts = once_each(slack)
        assert len(counts) == 30 and set(counts.values()) == {1}
    finally:
        second.stop()
