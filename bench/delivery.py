"""Section 3: 5,000 direct messages through a fake Slack that enforces its rate limits: time against the
floor those limits allow, and 429s received."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import NOW, say, target  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.models import Member, OutboxMessage  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402


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
