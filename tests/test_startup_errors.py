"""A misconfigured start (SPEC §1): one line on stderr saying what to do, a non-zero exit, no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent


def baton(
    args: list[str], env: dict[str, str], cwd: Path, *, block: str = ""
) -> subprocess.CompletedProcess[str]:
    """`baton <args>` in a fresh interpreter; `block` names a module to make unimportable, as if the
    package providing it were not installed."""
    prelude = f"import sys; sys.modules[{block!r}] = None; " if block else "import sys; "
    code = prelude + f"from bot.cli import main; sys.exit(main({args!r}))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BATON_", "DATABASE_"))}
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("url", "block", "expected"),
    [
        ("not a url at all", "", "DATABASE_URL is not a database URL: write e.g. sqlite:///baton.db"),
        ("postgresql://baton@127.0.0.1/baton", "psycopg", "pip install 'baton[postgres]'"),
        ("mongodb://127.0.0.1/baton", "", "a database Baton does not know"),
        (
            "sqlite:///no-such-folder/baton.db",
            "",
            "no-such-folder, which does not exist: create that directory",
        ),
    ],
)
@pytest.mark.parametrize("command", [["db", "upgrade"], ["tick", "--at", "2026-11-23T09:30:00+08:00"]])
def test_a_bad_database_url_is_one_line(
    tmp_path: Path, url: str, block: str, expected: str, command: list[str]
) -> None:
    line = one_line(baton(command, {"DATABASE_URL": url}, tmp_path, block=block))
    assert line.startswith("baton: ") and expected in line
    assert not (tmp_path / "no-such-folder").exists()


def test_a_database_server_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://baton:secret@127.0.0.1:{port}/baton"
    line = one_line(baton(["db", "upgrade"], {"DATABASE_URL": url}, tmp_path))
    assert "Cannot open the database" in line and "check DATABASE_URL" in line
    assert "secret" not in line


def socket_mode_env(tmp_path: Path, api_url: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_APP_TOKEN": "xapp-test",
        "SLACK_API_URL": api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'baton.db'}",
    }


def test_slack_unreachable_at_start_in_socket_mode_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    api = f"http://127.0.0.1:{port}/api/"
    line = one_line(baton(["run", "--no-scheduler"], socket_mode_env(tmp_path, api), tmp_path))
    assert line.startswith(f"baton: Cannot reach Slack at {api}") and "SLACK_API_URL" in line


def test_slack_refusing_the_app_token_is_one_line(tmp_path: Path, fake_slack: FakeSlack) -> None:
    fake_slack.fail("apps.connections.open", 200, "invalid_auth")
    line = one_line(baton(["run", "--no-scheduler"], socket_mode_env(tmp_path, fake_slack.url), tmp_path))
    assert "(invalid_auth)" in line and "check SLACK_APP_TOKEN" in line
