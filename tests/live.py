"""The real bot, over real HTTP: uvicorn on a random loopback port, Slack's Web API faked."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn
from slack_sdk.signature import SignatureVerifier

from bot.app import Baton, create_app, slack_asgi
from bot.settings import Settings
from handlers.clock import Clock, FixedClock
from scheduler.sweep import sweep
from tests.fake_slack import FakeSlack

SECRET = "test-signing-secret"


def eventually(check: Callable[[], Any], *, timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll until `check` is truthy; a deadline, never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN_TOKEN = "xoxb-run-test"


def run_env(
    database_url: str, *, api_url: str | None = None, port: int | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a `baton run` started as a real process by a test: Slack over HTTP (no Socket
    Mode token inherited from the shell), its first admin U_ADMIN."""
    env = {
        **os.environ,
        "PYTHONPATH": ROOT,
        "SLACK_BOT_TOKEN": RUN_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "DATABASE_URL": database_url,
        "BATON_ADMINS": "U_ADMIN",
        **extra,
    }
    if api_url is not None:
        env["SLACK_API_URL"] = api_url
    if port is not None:
        env["PORT"] = str(port)
    env.pop("SLACK_APP_TOKEN", None)
    return env


def signed_headers(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }


class LiveBaton:
    def __init__(self, database_url: str, fake: FakeSlack, *, clock: Clock, admins: str = "U_ADMIN") -> None:
        settings = Settings(
            SLACK_BOT_TOKEN="xoxb-test-token",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.url,
            DATABASE_URL=database_url,
            BATON_ADMINS=admins,
            BATON_TIMEZONE="UTC",
        )  # type: ignore[call-arg]
        self.baton: Baton = create_app(settings, clock=clock)
        assert self.baton.bolt is not None
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            slack_asgi(self.baton, bolt=self.baton.bolt), log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        eventually(lambda: self.server.started, what="uvicorn to start")
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        self.baton.start()

    def post(self, body: str, headers: dict[str, str]) -> httpx.Response:
        return self.http.post("/slack/events", content=body.encode(), headers=headers)

    def slash(
        self,
        user_id: str,
        text: str,
        *,
        channel: str = "C_GENERAL",
        command: str = "/task",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        body = urlencode(
            {
                "token": "legacy",
                "team_id": "T1",
                "team_domain": "acme",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user_id,
                "user_name": user_id.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A1",
                "response_url": "http://127.0.0.1:9/hooks",
                "trigger_id": "1.2.3",
            }
        )
        return self.post(body, headers or signed_headers(body))

    def interact(self, payload: dict[str, Any]) -> httpx.Response:
        """A signed interactive request (button, form, shortcut), form-encoded as Slack sends it."""
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, signed_headers(body))

    def event(self, envelope: dict[str, Any]) -> httpx.Response:
        body = json.dumps(envelope)
        headers = {**signed_headers(body), "Content-Type": "application/json"}
        return self.post(body, headers)

    def reply_text(self, user_id: str, text: str, **kwargs: Any) -> str:
        response = self.slash(user_id, text, **kwargs)
        assert response.status_code == 200, response.text
        return str(response.json().get("text", ""))

    def settled(self) -> None:
        """Wait until the worker has delivered everything it can (the outbox holds nothing pending)."""
        from sqlmodel import Session, select

        from storage.models import OutboxMessage

        def nothing_pending() -> bool:
            with Session(self.baton.engine) as session:
                return (
                    session.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).first()
                    is None
                )

        eventually(nothing_pending, what="the outbox to empty")

    def stop(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(10)
        self.baton.stop()


SWEEP_EVERY = timedelta(minutes=15)


def sweep_until(baton: Baton, until: datetime) -> None:
    """Move the app's fixed clock to `until`, sweeping and delivering every quarter hour on the way, as
    a running Baton's scheduler would."""
    clock = baton.clock
    assert isinstance(clock, FixedClock)
    while clock() < until:
        clock.advance(SWEEP_EVERY)
        sweep(baton.engine, now=clock(), default_tz="UTC")
        baton.worker.deliver_due()


def sales_and_production(
    database_url: str, fake: FakeSlack, people: dict[str, tuple[str, str, str, bool]], *, now: datetime
) -> LiveBaton:
    """The whole app with `people` ({id: (name, zone, locale, admin)}) known to the fake Slack, and two
    departments: sales (led by alice, with sam) and production (led by pete, with paul)."""
    for user_id, (name, tz, locale, admin) in people.items():
        fake.add_user(user_id, name, tz=tz, locale=locale, admin=admin)
    app = LiveBaton(database_url, fake, clock=FixedClock(now))
    app.reply_text("U_ADMIN", "dept add sales lead <@U_ALICE|alice>")
    app.reply_text("U_ADMIN", "dept add production lead <@U_PETE|pete>")
    app.reply_text("U_ADMIN", "member <@U_PAUL|paul> production")
    app.reply_text("U_ADMIN", "member <@U_SAM|sam> sales")
    return app
