"""A fake Slack Web API on a random loopback port. It records every call and can be told to fail."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class Fault:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.down = False  # drop every connection without an answer, as an unreachable Slack would
        self.delays: dict[str, float] = {}  # method -> seconds the fake takes to answer
        self.history: dict[str, list[dict[str, Any]]] = {}  # channel -> messages people posted there
        self._lock = threading.Lock()
        self._ts = 1700000000
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- test-facing helpers ----------------------------------------------------------------

    def add_user(
        self, user_id: str, name: str, *, tz: str = "UTC", locale: str = "en-US", admin: bool = False
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "name": name,
            "tz": tz,
            "locale": locale,
            "is_admin": admin,
            "profile": {"display_name": name},
        }

    def add_message(
        self, channel: str, ts: str, text: str, *, user: str = "U_SOMEONE", thread_ts: str | None = None
    ) -> dict[str, Any]:
        """A message people posted, as conversations.history and conversations.replies return it."""
        message: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts}
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.history.setdefault(channel, []).append(message)
        return message

    def _read(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """conversations.history (top-level messages, newest first) and conversations.replies (a thread,
        parent first and always), honouring `latest`, `oldest`, `inclusive` and `limit` as Slack does."""
        messages = self.history.get(params.get("channel", ""), [])
        latest, oldest = params.get("latest"), params.get("oldest")
        inclusive = str(params.get("inclusive")).lower() in ("1", "true")
        if method == "conversations.history":
            found = sorted(
                (m for m in messages if m.get("thread_ts", m["ts"]) == m["ts"]),
                key=lambda m: m["ts"],
                reverse=True,
            )
        else:
            parent = next((m for m in messages if m["ts"] == params.get("ts")), None)
            if parent is None:
                return {"ok": False, "error": "thread_not_found"}
            root = parent.get("thread_ts", parent["ts"])
            found = sorted(
                (m for m in messages if m.get("thread_ts", m["ts"]) == root), key=lambda m: m["ts"]
            )
        first = found[0] if method == "conversations.replies" else None
        if latest:
            found = [m for m in found if m["ts"] < latest or (inclusive and m["ts"] == latest)]
        if oldest:
            found = [m for m in found if m["ts"] > oldest or (inclusive and m["ts"] == oldest)]
        if first is not None and found[:1] != [first]:
            found = [first, *found]  # a thread's parent comes first, whatever the bounds
        return {"ok": True, "messages": found[: int(params.get("limit") or 100)], "has_more": False}

    def fail(
        self,
        method: str,
        status: int,
        error: str = "",
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = {"ok": False, "error": error or f"http_{status}"}
        self.faults.setdefault(method, []).extend(Fault(status, body, headers or {}) for _ in range(times))

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def messages(self) -> list[Call]:
        return self.calls_to("chat.postMessage") + self.calls_to("chat.update")

    def dms_to(self, user_id: str) -> list[Call]:
        return [c for c in self.calls_to("chat.postMessage") if c.params.get("channel") == user_id]

    # -- the server -------------------------------------------------------------------------

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            queue = self.faults.get(method)
            if queue:
                fault = queue.pop(0)
                return fault.status, fault.body, fault.headers
            self.calls.append(Call(method, params))
            if method == "auth.test":
                return (
                    200,
                    {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "baton"},
                    {},
                )
            if method == "users.info":
                user = self.users.get(params.get("user", ""))
                return (
                    (200, {"ok": True, "user": user}, {})
                    if user
                    else (200, {"ok": False, "error": "user_not_found"}, {})
                )
            if method in ("chat.postMessage", "chat.update"):
                self._ts += 1
                ts = params.get("ts") or f"{self._ts}.000100"
                return 200, {"ok": True, "channel": params.get("channel"), "ts": ts}, {}
            if method in ("conversations.history", "conversations.replies"):
                return 200, self._read(method, params), {}
            if method == "apps.connections.open":
                return 200, {"ok": True, "url": "wss://127.0.0.1:9/link"}, {}
            return 200, {"ok": True}, {}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                parsed = urlparse(self.path)
                method = parsed.path.rsplit("/", 1)[-1]
                if fake.down:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if method in fake.delays:
                    time.sleep(fake.delays[method])  # the fault under test: a slow Slack
                params: dict[str, Any] = dict(parse_qsl(parsed.query))
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if raw:
                    if "json" in (self.headers.get("Content-Type") or ""):
                        params.update(json.loads(raw))
                    else:
                        params.update(parse_qsl(raw.decode()))
                for key in ("blocks", "attachments"):
                    if isinstance(params.get(key), str):
                        params[key] = json.loads(params[key])
                status, body, headers = fake._answer(method, params)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = _handle  # noqa: N815
            do_POST = _handle  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
