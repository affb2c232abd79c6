"""`baton run` with Feishu / Lark: Feishu alone needs no Slack settings, serves health checks in long
mode, and a misconfiguration is one line."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fake_feishu import FakeFeishu
from tests.test_startup_errors import ROOT, baton, one_line


def feishu_env(fake_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "FEISHU_APP_ID": "cli_fake",
        "FEISHU_APP_SECRET": "secret",
        "FEISHU_DOMAIN": fake_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'baton.db'}",
        **extra,
    }


def test_feishu_without_its_secret_is_one_line(tmp_path: Path) -> None:
    result = baton(
        ["run"], {"FEISHU_APP_ID": "cli_x", "DATABASE_URL": f"sqlite:///{tmp_path}/b.db"}, tmp_path
    )
    assert "FEISHU_APP_SECRET is not set" in one_line(result)


def test_http_mode_without_a_verification_token_is_one_line(tmp_path: Path) -> None:
    env = feishu_env("http://127.0.0.1:9", tmp_path, FEISHU_CONNECTION="http")
    assert "FEISHU_VERIFICATION_TOKEN is not set" in one_line(baton(["run"], env, tmp_path))


def test_refused_credentials_are_one_line(tmp_path: Path) -> None:
    fake = FakeFeishu().start()
    try:
        fake.fail("token", code=10014, status=400, times=10)  # app secret invalid
        line = one_line(baton(["run"], feishu_env(fake.url, tmp_path), tmp_path))
        assert "Feishu refused the app's credentials" in line and "FEISHU_APP_SECRET" in line
    finally:
        fake.stop()


def test_feishu_alone_runs_over_the_long_connection_and_answers_health_checks(tmp_path: Path) -> None:
    fake = FakeFeishu().start()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**feishu_env(fake.url, tmp_path), "PORT": str(port), "PYTHONPATH": str(ROOT)}
    clean = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("SLACK_", "BATON_"))}
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(['run']))"],
        env={**clean, **env},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        fake.wait_connected(timeout=20)
        deadline = time.monotonic() + 20
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code
            except httpx.HTTPError:
                time.sleep(0.05)  # the server is still starting: poll against the deadline
        assert status == 200
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).json() == {"status": "ready"}
        assert httpx.post(f"http://127.0.0.1:{port}/slack/events", timeout=2).status_code == 404
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        fake.stop()
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
