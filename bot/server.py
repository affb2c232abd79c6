"""The HTTP server: POST /slack/events into Bolt, POST /feishu/events into Feishu's handler (either or
both), GET /healthz and /readyz. The platforms' sync handlers run off the event loop, on dispatcher
threads, except the Slack requests `inline` picks as never waiting on Slack."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from slack_bolt import App, BoltRequest
from sqlalchemy.engine import Engine

from storage import migrate
from storage.db import database_answers

FEISHU_PATH = "/feishu/events"
SQLITE_DISPATCHERS = 2
POSTGRES_DISPATCHERS = 8
MAX_BODY = 1_000_000  # Slack's payloads are far smaller; anything bigger is not from Slack

Scope = dict[str, Any]


class FeishuHandler(Protocol):
    def handle(self, body: bytes, headers: Mapping[str, str]) -> Any: ...


Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class SlackASGI:
    def __init__(
        self,
        bolt: App | None,
        engine: Engine,
        *,
        path: str = "/slack/events",
        feishu: FeishuHandler | None = None,
        inline: Callable[[BoltRequest], bool] | None = None,
    ) -> None:
        self.bolt = bolt  # None: Slack is not configured, or uses Socket Mode
        # Requests this says never wait on Slack are dispatched on the event loop itself, sparing two
        # thread switches (bot.slack.fast_path); None: every request goes to a dispatcher thread.
        self.inline = inline
        self.engine = engine
        self.path = path
        self.feishu = feishu  # bot.feishu.http.FeishuEvents in Feishu's http mode
        self.draining = False  # set on SIGTERM: a load balancer should stop sending us work
        # SQLite takes one writer at a time: more threads only queue on its lock and the GIL (measured:
        # 4 threads gave half the throughput of 2 at 50 connections). Two, not one, so that a request
        # waiting on Slack (a form opening, a profile lookup) does not hold up everyone else.
        # PostgreSQL takes writers side by side.
        workers = SQLITE_DISPATCHERS if engine.dialect.name == "sqlite" else POSTGRES_DISPATCHERS
        self._dispatchers = ThreadPoolExecutor(workers, thread_name_prefix="baton-dispatch")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        if path == "/healthz" and method in ("GET", "HEAD"):
            ok = await asyncio.to_thread(database_answers, self.engine)
            await _respond(send, 200 if ok else 503, {"status": "ok" if ok else "database unavailable"})
        elif path == "/readyz" and method in ("GET", "HEAD"):
            status = "draining" if self.draining else await asyncio.to_thread(readiness, self.engine)
            await _respond(send, 200 if status == "ready" else 503, {"status": status})
        elif self.feishu is not None and path == FEISHU_PATH and method == "POST":
            body = await _read_body(receive)
            if body is None:
                await _respond(send, 413, {"msg": "payload too large"})
                return
            plain_headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
            loop = asyncio.get_running_loop()
            reply = await loop.run_in_executor(self._dispatchers, self.feishu.handle, body, plain_headers)
            await _respond(send, reply.status, reply.body)
        elif self.bolt is not None and path == self.path and method == "POST":
            body = await _read_body(receive)
            if body is None:
                await _respond(send, 413, {"error": "payload too large"})
                return
            headers: dict[str, list[str]] = {}
            for key, value in scope.get("headers", []):
                headers.setdefault(key.decode("latin-1").lower(), []).append(value.decode("latin-1"))
            query = scope.get("query_string", b"").decode("latin-1")
            request = BoltRequest(body=body.decode("utf-8", "replace"), query=query, headers=headers)
            if self.inline is not None and self.inline(request):
                response = self.bolt.dispatch(request)
            else:
                loop = asyncio.get_running_loop()
                response = await loop.run_in_executor(self._dispatchers, self.bolt.dispatch, request)
            raw_headers = [
                (k.encode("latin-1"), v.encode("latin-1"))
                for k, values in response.headers.items()
                for v in values
            ]
            await send({"type": "http.response.start", "status": response.status, "headers": raw_headers})
            await send({"type": "http.response.body", "body": (response.body or "").encode("utf-8")})
        else:
            await _respond(send, 404, {"error": "not found"})


def readiness(engine: Engine) -> str:
    """Ready to take Slack's requests: the database answers and its schema is this version's."""
    if not database_answers(engine):
        return "database unavailable"
    return "ready" if migrate.is_current(engine) else "database schema behind: run `baton db upgrade`"


async def _read_body(receive: Receive) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _respond(send: Send, status: int, data: dict[str, Any]) -> None:
    body = json.dumps(data).encode()
    await send(
        {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": body})
