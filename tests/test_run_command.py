"""`baton run` as a real process, Socket Mode wiring, and `baton tick`."""

from __future__ import annotations

import io
import json
import signal
import socket
import subprocess
import sys
from urllib.parse import urlencode

import httpx
from slack_bolt import BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import create_app
from bot.settings import Settings
from handlers.clock import FixedClock
from tests.conftest import NOW
from tests.fake_slack import FakeSlack
from tests.live import RUN_TOKEN, SECRET, eventually, run_env, signed_headers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_baton_run_serves_slack_over_http_and_stops_on_sigterm(tmp_path, fake_slack: FakeSlack) -> None:  # type: ignore[no-untyped-def]
    fake_slack.add_user("U_ADMIN", "admin", admin=True)
    port = free_port()
    env = run_env(f"sqlite:///{tmp_path / 'run.db'}", api_url=fake_slack.url, port=port)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        eventually(healthy, timeout=30, what="baton run to answer /healthz")
        body = urlencode(
            {
                "command": "/task",
                "text": "dept add ops lead <@U_ADMIN|admin> channel <#C_OPS|ops>",
                "user_id": "U_ADMIN",
                "user_name": "admin",
                "channel_id": "C_OPS",
                "team_id": "T1",
            }
        )
        answer = httpx.post(f"{base}/slack/events", content=body, headers=signed_headers(body), timeout=10)
        assert answer.status_code == 200 and answer.json()["text"] == "Department #ops added, lead @admin."
        body = urlencode(
            {
                "command": "/task",
                "text": "new Restock gloves #ops",
                "user_id": "U_ADMIN",
                "user_name": "admin",
                "channel_id": "C_OPS",
                "team_id": "T1",
            }
        )
        assert (
            httpx.post(f"{base}/slack/events", content=body, headers=signed_headers(body)).status_code == 200
        )
        card = eventually(lambda: fake_slack.calls_to("chat.postMessage"), what="the card")[0]
        assert "Restock gloves" in json.dumps(card.params["blocks"])
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, output
    assert RUN_TOKEN not in output and SECRET not in output


def test_socket_mode_uses_the_configured_api_url_and_needs_no_signature(
    tmp_path, fake_slack: FakeSlack
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        SLACK_BOT_TOKEN="xoxb-t",
        SLACK_APP_TOKEN="xapp-t",
        SLACK_API_URL=fake_slack.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 's.db'}",
    )  # type: ignore[call-arg]
    from bot.cli import prepare_database

    baton = create_app(settings, engine=prepare_database(settings), clock=FixedClock(NOW))
    assert baton.bolt is not None
    handler = SocketModeHandler(baton.bolt, "xapp-t")
    assert handler.client.issue_new_wss_url() == "wss://127.0.0.1:9/link"
    assert len(fake_slack.calls_to("apps.connections.open")) == 1, (
        "Socket Mode must connect via SLACK_API_URL"
    )
    body = urlencode(
        {
            "command": "/task",
            "text": "help",
            "user_id": "U1",
            "user_name": "u",
            "channel_id": "C1",
            "team_id": "T1",
        }
    )
    response = baton.bolt.dispatch(BoltRequest(body=body, mode="socket_mode"))
    assert response.status == 200 and "Baton" in json.loads(response.body)["text"]


def test_tick_previews_keeps_messages_without_a_platform_and_delivers_once_with_one(  # type: ignore[no-untyped-def]
    tmp_path, capsys, monkeypatch, fake_slack
) -> None:
    from bot import cli
    from bot.console import Console

    url = f"sqlite:///{tmp_path / 't.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    settings = Settings()
    cli.prepare_database(settings)
    console = Console(settings, out=io.StringIO(), now=NOW)
    console.seed(demo_company=True)
    console.handle("/task new Order resin #procurement")  # the console delivers at once; queue one more:
    console.handle("as @rita")
    console.baton.worker.deliver_due = lambda limit=0: 0  # type: ignore[method-assign]
    console.handle("/task ack 1")
    at = "2026-11-18T03:00:00+00:00"
    assert cli.main(["tick", "--at", at, "--dry-run"]) == 0
    assert cli.main(["tick", "--at", at, "--dry-run"]) == 0
    dry = capsys.readouterr().out.splitlines()
    summary = "0 scheduled messages to queue, 2 queued messages to deliver"
    summary += " (dry run: nothing sent, nothing changed)"
    assert dry.count(f"At {at}: {summary}") == 2  # the first dry run changed nothing
    # Each message as the console shows it, with its reader's name.
    assert sum("[DM → @alice] @rita acknowledged T-1" in line for line in dry) == 2
    assert sum("card updated T-1" in line for line in dry) == 2

    # No chat platform: nothing is marked sent while only printed; the messages wait for `baton run`.
    assert cli.main(["tick", "--at", at]) == 0
    out = capsys.readouterr().out
    assert "2 messages wait for delivery: no chat platform is configured" in out
    assert cli.main(["outbox"]) == 0
    assert capsys.readouterr().out.count(" pending ") == 2

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    fake_slack.add_user("U_ALICE", "alice")
    assert cli.main(["tick", "--at", at]) == 0
    assert "delivered 2 messages" in capsys.readouterr().out
    assert len(fake_slack.dms_to("U_ALICE")) == 1
    assert cli.main(["tick", "--at", at]) == 0
    assert "delivered 0 messages" in capsys.readouterr().out
    assert cli.main(["tick", "--at", "not-a-time"]) == 2


def test_outbox_lists_what_did_not_go_and_retries_it(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot import cli
    from storage import outbox
    from storage.db import make_engine, unit_of_work

    url = f"sqlite:///{tmp_path / 'o.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = cli.prepare_database(Settings())
    with unit_of_work(engine) as session:
        outbox.enqueue(session=session, kind="card", recipient="C_GONE", now=NOW, status="failed")
        row = outbox.unsettled(session=session)[0]
        row.last_error, row.attempts = "channel_not_found", 1
    assert cli.main(["outbox"]) == 0
    listing = capsys.readouterr().out
    assert "#1 failed card  → C_GONE (attempts 1" in listing and "channel_not_found" in listing
    assert cli.main(["outbox", "retry", "1"]) == 0
    assert "1 message will be sent again" in capsys.readouterr().out
    assert cli.main(["outbox", "retry", "x"]) == 2
    assert cli.main(["outbox", "retry", "99"]) == 2
    assert "no message #99" in capsys.readouterr().err
    assert cli.main(["outbox", "retry"]) == 2
    with unit_of_work(make_engine(url)) as session:
        assert [r.status for r in outbox.unsettled(session=session)] == ["pending"]
