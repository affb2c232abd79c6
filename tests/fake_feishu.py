"""A fake Feishu Open Platform on random loopback ports: the REST API Baton calls and the long connection.

It records every call and can be told to fail (per endpoint, N times: an error code, a 5xx, or a
refused connection). The long connection speaks lark-oapi's protobuf frames (pbbp2.Frame) over a
websocket served with `websockets` (already installed with lark-oapi): a test pushes an event frame to
the connected SDK client and reads the client's ack.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any
from urllib.parse import parse_qsl, urlparse

from lark_oapi.ws.pb.pbbp2_pb2 import Frame
from websockets.sync.server import ServerConnection, serve

ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"^/open-apis/auth/v3/tenant_access_token/internal$"), "token"),
    ("POST", re.compile(r"^/open-apis/im/v1/messages$"), "send"),
    ("POST", re.compile(r"^/open-apis/im/v1/messages/(?P<id>[^/]+)/reply$"), "reply"),
    ("PATCH", re.compile(r"^/open-apis/im/v1/messages/(?P<id>[^/]+)$"), "patch"),
    ("POST", re.compile(r"^/open-apis/ephemeral/v1/send$"), "ephemeral"),
    ("POST", re.compile(r"^/open-apis/ephemeral/v1/delete$"), "ephemeral_delete"),
    ("GET", re.compile(r"^/open-apis/im/v1/messages/(?P<id>[^/]+)$"), "get_message"),
    ("GET", re.compile(r"^/open-apis/contact/v3/users/(?P<id>[^/]+)$"), "user"),
    ("GET", re.compile(r"^/open-apis/bot/v3/info$"), "bot_info"),
    ("GET", re.compile(r"^/open-apis/im/v1/chats/(?P<id>[^/]+)$"), "chat"),
    ("POST", re.compile(r"^/callback/ws/endpoint$"), "ws_endpoint"),
]
BOT_OPEN_ID = "ou_baton_bot"


@dataclass
class Call:
    endpoint: str
    path_id: str | None
    query: dict[str, str]
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Fault:
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    refuse: bool = False  # drop the connection without an answer
    receive_id: str | None = None  # only for a send to this person or chat (None: the next call)


class FakeFeishu:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.chats: dict[str, str] = {}  # group chat_id → name (GET chats answers 232011 for others)
        self.messages: dict[str, dict[str, Any]] = {}  # messages people wrote, for GET messages/:id
        self.faults: dict[str, list[Fault]] = {}
        self.acks: dict[str, Frame] = {}  # message_id header → the client's ack frame
        self.pings = 0
        self._ids = count(1)
        self._lock = threading.Lock()
        self._conn: ServerConnection | None = None
        self._conn_ready = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.ws_server = serve(self._ws_session, "127.0.0.1", 0)
        self.ws_thread = threading.Thread(target=self.ws_server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def ws_url(self) -> str:
        host, port = self.ws_server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/ws?device_id=fake-device&service_id=7"

    def start(self) -> FakeFeishu:
        self.thread.start()
        self.ws_thread.start()
        return self

    def stop(self) -> None:
        self.ws_server.shutdown()
        self.server.shutdown()
        self.server.server_close()

    # -- test-facing helpers ----------------------------------------------------------------

    def add_chat(self, chat_id: str, name: str) -> None:
        self.chats[chat_id] = name

    def add_user(self, open_id: str, name: str, *, time_zone: str = "Asia/Shanghai", **extra: Any) -> None:
        self.users[open_id] = {"open_id": open_id, "name": name, "time_zone": time_zone, **extra}

    def add_message(
        self,
        message_id: str,
        text: str,
        *,
        chat_id: str = "oc_group1",
        sender: str = "",
        root_id: str = "",
        msg_type: str = "text",
    ) -> None:
        """A message people wrote earlier, as GET /im/v1/messages/:id answers it (a topic reply has the
        topic's first message as `root_id` and `parent_id`)."""
        content = json.dumps({"text": text}) if msg_type == "text" else json.dumps({"image_key": "img_1"})
        self.messages[message_id] = {
            "message_id": message_id,
            "root_id": root_id,
            "parent_id": root_id,
            "chat_id": chat_id,
            "msg_type": msg_type,
            "body": {"content": content},
            "sender": {"id": sender, "id_type": "open_id", "sender_type": "user"},
            "mentions": [],
        }

    def fail(
        self,
        endpoint: str,
        *,
        code: int = 0,
        status: int = 400,
        times: int = 1,
        headers: dict[str, str] | None = None,
        refuse: bool = False,
        receive_id: str | None = None,
    ) -> None:
        fault = Fault(status, {"code": code, "msg": f"fake error {code}"}, headers or {}, refuse, receive_id)
        self.faults.setdefault(endpoint, []).extend(fault for _ in range(times))

    def calls_to(self, endpoint: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.endpoint == endpoint]

    def cards(self, endpoint: str) -> list[tuple[str, dict[str, Any]]]:
        """(where, card) of every card accepted at an endpoint: a receive_id for sends, the message id
        for replies and patches, the person for ephemeral cards."""
        out = []
        for call in self.calls_to(endpoint):
            if endpoint == "ephemeral":
                out.append((call.body["open_id"], call.body["card"]))
            elif call.body.get("msg_type", "interactive") == "interactive" and "content" in call.body:
                where = call.body.get("receive_id") if endpoint == "send" else call.path_id
                out.append((str(where), json.loads(call.body["content"])))
        return out

    # -- the long connection ----------------------------------------------------------------

    def wait_connected(self, timeout: float = 10.0) -> None:
        if not self._conn_ready.wait(timeout):
            raise AssertionError("the SDK's client never connected to the fake long connection")

    def push_event(self, payload: dict[str, Any], *, kind: str = "event") -> str:
        """Send one DATA frame (as Feishu does for an event) to the connected client; its message id."""
        self.wait_connected()
        message_id = f"fake-msg-{next(self._ids)}"
        frame = Frame(SeqID=next(self._ids), LogID=0, service=7, method=1)
        for key, value in (
            ("type", kind),
            ("message_id", message_id),
            ("trace_id", "t"),
            ("sum", "1"),
            ("seq", "0"),
        ):
            header = frame.headers.add()
            header.key, header.value = key, value
        frame.payload = json.dumps(payload).encode()
        assert self._conn is not None
        self._conn.send(frame.SerializeToString())
        return message_id

    def wait_ack(self, message_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The client's ack for a pushed frame, as its JSON payload ({"code": 200, "data": …})."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                frame = self.acks.get(message_id)
            if frame is not None:
                return json.loads(frame.payload)
            time.sleep(0.01)  # polling a thread's result against a deadline
        raise AssertionError(f"no ack for {message_id}")

    def _ws_session(self, conn: ServerConnection) -> None:
        self._conn = conn
        self._conn_ready.set()
        try:
            for message in conn:
                frame = Frame()
                frame.ParseFromString(message if isinstance(message, bytes) else message.encode())
                headers = {h.key: h.value for h in frame.headers}
                if frame.method == 0 and headers.get("type") == "ping":
                    with self._lock:
                        self.pings += 1
                    pong = Frame(SeqID=0, LogID=0, service=frame.service, method=0)
                    header = pong.headers.add()
                    header.key, header.value = "type", "pong"
                    conn.send(pong.SerializeToString())
                elif frame.method == 1 and "message_id" in headers:
                    with self._lock:
                        self.acks[headers["message_id"]] = frame
        except Exception:  # noqa: BLE001 - the client went away; the test decides whether that matters
            pass
        finally:
            self._conn = None
            self._conn_ready.clear()

    # -- the REST API -----------------------------------------------------------------------

    def _answer(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        if call.endpoint == "token":
            return 200, {"code": 0, "msg": "ok", "tenant_access_token": "t-fake", "expire": 7200}, {}
        if call.endpoint == "ws_endpoint":
            config = {"ReconnectCount": 0, "ReconnectInterval": 1, "ReconnectNonce": 0, "PingInterval": 120}
            return 200, {"code": 0, "msg": "ok", "data": {"URL": self.ws_url, "ClientConfig": config}}, {}
        if call.endpoint == "bot_info":
            return 200, {"code": 0, "msg": "ok", "bot": {"open_id": BOT_OPEN_ID, "app_name": "Baton"}}, {}
        if call.endpoint == "get_message":
            found = self.messages.get(call.path_id or "")
            if found is None:
                return 400, {"code": 230001, "msg": "message not found"}, {}
            return 200, {"code": 0, "msg": "success", "data": {"items": [found]}}, {}
        if call.endpoint == "chat":
            name = self.chats.get(call.path_id or "")
            if name is None:
                return 400, {"code": 232011, "msg": "Operator can NOT be out of the chat."}, {}
            return 200, {"code": 0, "msg": "success", "data": {"name": name, "chat_mode": "group"}}, {}
        if call.endpoint == "user":
            user = self.users.get(call.path_id or "")
            if user is None:
                return 400, {"code": 41050, "msg": "no user authority error"}, {}
            return 200, {"code": 0, "msg": "success", "data": {"user": user}}, {}
        if call.endpoint in ("send", "reply", "ephemeral"):
            message_id = f"om_fake{next(self._ids)}"
            if call.endpoint == "send":
                kind = call.query.get("receive_id_type")
                chat_id = (
                    call.body.get("receive_id")
                    if kind == "chat_id"
                    else f"oc_p2p_{call.body.get('receive_id')}"
                )
            else:
                chat_id = call.body.get("chat_id") or "oc_fake"
            data: dict[str, Any] = {"message_id": message_id, "chat_id": chat_id}
            if call.endpoint == "reply" and call.body.get("reply_in_thread"):
                data["thread_id"] = f"omt_{call.path_id}"
                data["root_id"] = call.path_id
            return 200, {"code": 0, "msg": "success", "data": data}, {}
        return 200, {"code": 0, "msg": "success", "data": {}}, {}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                parsed = urlparse(self.path)
                route = next(
                    (
                        (name, m)
                        for verb, rx, name in ROUTES
                        if verb == self.command and (m := rx.match(parsed.path))
                    ),
                    None,
                )
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if route is None:
                    self._send(404, {"code": 404, "msg": f"fake: no route {self.command} {parsed.path}"}, {})
                    return
                name, match = route
                sent_to = (json.loads(raw) if raw else {}).get("receive_id") if name == "send" else None
                with fake._lock:
                    queue = fake.faults.get(name) or []
                    fault = next((f for f in queue if f.receive_id in (None, sent_to)), None)
                    if fault is not None:
                        queue.remove(fault)
                if fault is not None and fault.refuse:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault is not None and fault.status >= 500 and not fault.body.get("code"):
                    self._send_raw(fault.status, b"<html>502 Bad Gateway</html>", "text/html", fault.headers)
                    return  # what a proxy in front of Feishu answers: not JSON
                if fault is not None:
                    self._send(fault.status, fault.body, fault.headers)
                    return
                call = Call(
                    endpoint=name,
                    path_id=match.groupdict().get("id"),
                    query=dict(parse_qsl(parsed.query)),
                    body=json.loads(raw) if raw else {},
                    headers={k.lower(): v for k, v in self.headers.items()},
                )
                with fake._lock:
                    fake.calls.append(call)
                    status, body, headers = fake._answer(call)
                self._send(status, body, headers)

            def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
                self._send_raw(status, json.dumps(body).encode(), "application/json; charset=utf-8", headers)

            def _send_raw(self, status: int, data: bytes, content_type: str, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = _handle  # noqa: N815
            do_POST = _handle  # noqa: N815
            do_PATCH = _handle  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
