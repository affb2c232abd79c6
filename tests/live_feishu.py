"""The real bot on Feishu / Lark against the fake Open Platform: events in over signed, encrypted HTTP
(`http` mode) or through the SDK's websocket client (`long` mode); Slack too, when a fake Slack is given."""

from __future__ import annotations

import base64
import json
import socket
import threading
from itertools import count
from typing import Any

import httpx
import uvicorn
from sqlmodel import Session, select

from bot.app import Baton, create_app, feishu_events, feishu_long_connection, slack_asgi
from bot.settings import Settings
from handlers.clock import FixedClock
from storage.models import OutboxMessage
from tests import feishu_payloads as fp
from tests.fake_feishu import BOT_OPEN_ID, FakeFeishu
from tests.fake_slack import FakeSlack
from tests.live import SECRET, eventually


class LiveFeishu:
    def __init__(
        self,
        database_url: str,
        fake: FakeFeishu,
        *,
        clock: FixedClock,
        mode: str = "http",
        admins: str = "fs:ou_admin",
        slack: FakeSlack | None = None,
    ) -> None:
        self.fake, self.clock, self.mode = fake, clock, mode
        slack_env: dict[str, str] = (
            {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.url}
            if slack is not None
            else {}
        )
        settings = Settings(
            FEISHU_APP_ID=fp.APP_ID,
            FEISHU_APP_SECRET="app-secret",
            FEISHU_DOMAIN=fake.url,
            FEISHU_CONNECTION=mode,
            FEISHU_VERIFICATION_TOKEN=fp.TOKEN,
            FEISHU_ENCRYPT_KEY=fp.ENCRYPT_KEY,
            DATABASE_URL=database_url,
            BATON_ADMINS=admins,
            BATON_TIMEZONE="UTC",
            **slack_env,
        )  # type: ignore[call-arg]
        self.baton: Baton = create_app(settings, clock=clock)
        self._ids = count(1)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        events = feishu_events(self.baton) if mode == "http" else None
        asgi = slack_asgi(self.baton, bolt=self.baton.bolt, feishu=events)
        self.server = uvicorn.Server(uvicorn.Config(asgi, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        eventually(lambda: self.server.started, what="uvicorn to start")
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        if mode == "long":
            self.baton.feishu_connection = feishu_long_connection(self.baton).start()
            fake.wait_connected()
        self.baton.start()

    # -- events in ----------------------------------------------------------------------------------

    def event(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Deliver one event as Feishu does in this mode; the answer (a card callback's toast/card)."""
        payload["header"]["event_id"] = f"ev-{next(self._ids)}"
        if self.mode == "http":
            body = json.dumps(fp.encrypt(payload)).encode()
            headers = fp.signed_headers(body, timestamp=int(self.clock().timestamp()))
            response = self.http.post("/feishu/events", content=body, headers=headers)
            assert response.status_code == 200, response.text
            return dict(response.json())
        ack = self.fake.wait_ack(self.fake.push_event(payload))
        assert ack["code"] == 200, ack
        return json.loads(base64.b64decode(ack["data"])) if ack.get("data") else {}

    def say(
        self,
        who: str,
        text: str,
        *,
        direct: bool = True,
        mentions: dict[str, str] | None = None,
        chat: str = "oc_group1",
        to_bot: bool = True,
        message_id: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """`who` (an open_id) writes `text`; `@name` words in `mentions` ({name: open_id}) become real
        mentions (`@_user_N` placeholders), and in a group the bot is mentioned first (unless `to_bot`
        is False: a message that does not address Baton)."""
        listed: list[dict[str, Any]] = []
        if not direct and to_bot:
            listed.append(fp.mention("@_user_0", BOT_OPEN_ID, "Baton"))
            text = "@_user_0 " + text
        for i, (name, open_id) in enumerate((mentions or {}).items(), start=1):
            key = f"@_user_{i}"
            listed.append(fp.mention(key, open_id, name))
            text = text.replace("@" + name, key)
        message_id = message_id or f"om_in{next(self._ids)}"
        payload = fp.message_event(
            text,
            mentions=listed,
            chat_type="p2p" if direct else "group",
            sender=who,
            message_id=message_id,
            chat_id=f"oc_p2p_{who}" if direct else chat,
            **kwargs,
        )
        return self.event(payload)

    def press(self, who: str, value: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return self.event(fp.card_action(value, operator=who, **kwargs))

    # -- what went out ------------------------------------------------------------------------------

    def private_to(self, open_id: str) -> list[str]:
        """Cards only `open_id` sees (ephemeral in a group, or sent to them), as JSON text."""
        out = []
        for call in self.fake.calls:
            if call.endpoint == "ephemeral" and call.body.get("open_id") == open_id:
                out.append(json.dumps(call.body.get("card"), ensure_ascii=False))
            elif call.endpoint == "send" and call.body.get("receive_id") == open_id:
                out.append(json.loads(str(call.body.get("content"))) and str(call.body.get("content")))
        return out

    def last_private(self, open_id: str) -> str:
        found = eventually(lambda: self.private_to(open_id), what=f"a private answer to {open_id}")
        return found[-1]

    def settled(self) -> None:
        def nothing_pending() -> bool:
            with Session(self.baton.engine) as session:
                pending = select(OutboxMessage).where(OutboxMessage.status == "pending")
                return session.exec(pending).first() is None

        eventually(nothing_pending, what="the outbox to empty")

    def stop(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(10)
        self.baton.stop()
