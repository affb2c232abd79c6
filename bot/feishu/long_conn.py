"""Long-connection mode: lark-oapi's websocket client, in a thread, feeding the same callback as HTTP mode.

The SDK (lark_oapi/ws/client.py) asks `POST {domain}/callback/ws/endpoint` with the app's id and secret
for a websocket URL, connects, pings every `PingInterval` seconds, and for each DATA frame of type
"event" runs the event handler and writes the frame back with a `{"code": 200, "data": …}` payload as
its ack. Card presses (`card.action.trigger`) arrive over the long connection as event frames too; the
SDK ignores the older "card" frame type, so the console must use the new card callback
(feishu_app.yml says so). Nothing is verified here: the connection itself is authenticated.

The SDK runs on a module-level asyncio loop it creates at import time; a thread of our own gets a
fresh loop, set both as the thread's loop and as that module's, before `start()` (which never returns).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import lark_oapi as lark
from lark_oapi.core.json import JSON
from lark_oapi.event.callback.model.p2_card_action_trigger import (
    P2CardActionTrigger,
    P2CardActionTriggerResponse,
)
from lark_oapi.event.custom import CustomizedEvent
from lark_oapi.ws import client as ws_module

from bot.feishu import ids
from bot.feishu.events import UnknownEvent, parse_event
from bot.feishu.http import FirstTime, OnEvent

log = logging.getLogger("baton.feishu")


def event_handler(
    on_event: OnEvent, first_time: FirstTime, bot_open_id: Callable[[], str | None] = lambda: None
) -> lark.EventDispatcherHandler:
    """The SDK's dispatcher, with every event Baton subscribes to routed to `on_event` once."""

    def route(payload: dict[str, Any]) -> dict[str, Any] | None:
        event_id = (payload.get("header") or {}).get("event_id")
        if event_id and not first_time(f"feishu:event:{event_id}"):
            return None  # delivered again (Feishu retries what it thinks failed): handled once
        try:
            event = parse_event(payload, bot_open_id=bot_open_id())
        except UnknownEvent as err:
            log.info("ignored a Feishu event: %s", err)
            return None
        return on_event(event)

    def plain(event: CustomizedEvent) -> None:
        route(_as_dict(event))

    def card(event: P2CardActionTrigger) -> P2CardActionTriggerResponse | None:
        answer = route(_as_dict(event))
        return P2CardActionTriggerResponse(answer) if answer else None

    # Customized registrations hand over the payload as sent (the typed ones would drop unknown fields).
    builder = lark.EventDispatcherHandler.builder("", "")
    for event_type in sorted(ids.EVENT_TYPES - {ids.CARD_ACTION}):
        builder = builder.register_p2_customized_event(event_type, plain)
    return builder.register_p2_card_action_trigger(card).build()


def _as_dict(event: object) -> dict[str, Any]:
    return json.loads(JSON.marshal(event) or "{}")


class LongConnection:
    """Starts the SDK's client in a daemon thread; `stop()` ends it (used by tests and on shutdown)."""

    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        domain: str,
        on_event: OnEvent,
        first_time: FirstTime,
        bot_open_id: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.sdk = lark.ws.Client(
            app_id,
            app_secret,
            event_handler=event_handler(on_event, first_time, bot_open_id),
            domain=domain,
            log_level=lark.LogLevel.WARNING,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, name="baton-feishu-ws", daemon=True)

    def start(self) -> LongConnection:
        self.thread.start()
        self._ready.wait(5)
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        ws_module.loop = loop  # the SDK schedules everything on this module-level loop
        self._loop = loop
        self._ready.set()
        try:
            self.sdk.start()
        except RuntimeError:
            pass  # stop(): "Event loop stopped before Future completed"
        except Exception:  # noqa: BLE001 - a dead connection thread must say why in the log
            log.exception("the Feishu long connection ended")

    def stop(self, timeout: float = 5.0) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        # Close the websocket politely (the SDK has no public stop), then end the loop.
        disconnect = getattr(self.sdk, "_disconnect", None)
        if disconnect is not None and loop.is_running():
            try:
                self.sdk._auto_reconnect = False
                asyncio.run_coroutine_threadsafe(disconnect(), loop).result(timeout)
            except Exception:  # noqa: BLE001 - best effort: the loop is stopped next either way
                log.debug("closing the Feishu websocket failed", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)
        self.thread.join(timeout)
