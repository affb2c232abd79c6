"""The composition root: create_app(settings) wires storage, handlers, delivery, Slack and Feishu / Lark.

Nothing happens at import.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack import middleware
from bot.slack.directory import SlackDirectory
from bot.slack.errors import register_error_handler
from bot.slack.listeners import register
from handlers.clock import Clock, system_clock
from handlers.context import Config, Directory
from handlers.known_people import KnownPeople
from handlers.ports import Sender
from handlers.runner import Runner
from scheduler.delivery import DeliveryWorker
from storage.checkpoint import WalCheckpointer
from storage.db import make_engine

WEB_API_TIMEOUT = 10
# Looking someone up happens while they wait for an answer (within Slack's 3 seconds): keep it short,
# and fall back to the stored or default profile when Slack is slow.
DIRECTORY_TIMEOUT = 1.5


@dataclass
class Baton:
    settings: Settings
    engine: Engine
    clock: Clock
    config: Config
    directory: Directory | None
    worker: DeliveryWorker
    bolt: App | None = None
    scheduler: Any = None
    feishu: Any = None  # bot.feishu.listeners.FeishuListeners, when Feishu / Lark is configured
    feishu_connection: Any = None  # the long connection, once started
    checkpointer: WalCheckpointer | None = None  # a serving process's, on SQLite

    @cached_property
    def runner(self) -> Runner:
        """One per process (none allocated per request); known speakers are answered from memory."""
        people = KnownPeople(self.engine, self.config, self.clock, self.directory)
        return Runner(self.engine, self.config, self.clock, self.directory, people)

    def start(self, *, with_scheduler: bool = False, serving: bool = False) -> None:
        if serving:
            # What start-up built lives as long as the process, so no collection scans it; SQLite's
            # checkpoints move off the request path (storage/checkpoint.py).
            gc.collect()
            gc.freeze()
            self.checkpointer = WalCheckpointer(self.engine)
            self.checkpointer.start()
        self.worker.start()
        if with_scheduler:
            from scheduler.jobs import start_scheduler

            self.scheduler = start_scheduler(self.engine, self.worker, self.clock, self.config.default_tz)

    def stop(self) -> None:
        if self.feishu_connection is not None:
            self.feishu_connection.stop()
            self.feishu_connection = None
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)  # a sweep in progress finishes first
            self.scheduler = None
        self.worker.stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()
            self.checkpointer = None
        if self.runner.people is not None:
            self.runner.people.close()
        self.engine.dispose()


def web_client(settings: Settings, *, timeout: float = WEB_API_TIMEOUT) -> WebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(token=token, base_url=settings.slack_api_url, timeout=timeout)


def static_authorize(token: str) -> Callable[..., AuthorizeResult]:
    """One workspace, one bot token: authorize every request without asking Slack (no auth.test on the
    request path, so a slash command is answered even while Slack's Web API is down)."""

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token)

    return authorize


def create_app(settings: Settings, *, clock: Clock = system_clock, engine: Engine | None = None) -> Baton:
    """The bot on every platform configured (Slack, Feishu / Lark, or both): one database, one delivery
    worker whose sender routes each message to its reader's platform."""
    from bot.directories import Directories
    from bot.router import senders_for

    engine = engine or make_engine(settings.database_url)
    slack = settings.slack_bot_token is not None or not settings.feishu_enabled
    feishu = _feishu_parts(settings, clock) if settings.feishu_enabled else None
    # Looking someone up happens while they wait (short timeouts); delivery learns readers' profiles with
    # the patient clients: it is not answering anyone.
    directory = Directories(
        slack=SlackDirectory(web_client(settings, timeout=DIRECTORY_TIMEOUT)) if slack else None,
        feishu=feishu[1] if feishu else None,
    )
    delivery_directory = Directories(
        slack=SlackDirectory(web_client(settings)) if slack else None, feishu=feishu[2] if feishu else None
    )
    sender = senders_for(settings, clock=clock)
    baton = _assemble(settings, engine, clock, directory, sender, delivery_directory)
    if feishu is not None:
        from bot.feishu.listeners import FeishuListeners
        from bot.router import FEISHU

        # What a press's answer shows, the sender need not patch again: both share what cards show.
        feishu_sender = getattr(sender, "senders", {}).get(FEISHU)
        shown = getattr(feishu_sender, "shown", None)
        baton.feishu = FeishuListeners(baton, feishu[0], domain=settings.feishu_domain, shown=shown)
    if slack:
        _add_slack(baton, settings)
    return baton


def _feishu_parts(settings: Settings, clock: Clock) -> tuple[Any, Any, Any]:
    """Feishu's API client, and its directory for listeners (short timeout) and for delivery."""
    from bot.feishu.api import FeishuApi, build_client
    from bot.feishu.directory import FeishuDirectory

    secret = settings.feishu_app_secret.get_secret_value() if settings.feishu_app_secret else ""
    credentials = {
        "app_id": settings.feishu_app_id or "",
        "app_secret": secret,
        "domain": settings.feishu_domain,
    }
    api = FeishuApi(build_client(**credentials))
    quick = FeishuApi(build_client(**credentials, timeout=DIRECTORY_TIMEOUT))
    return api, FeishuDirectory(quick, clock=clock), FeishuDirectory(api, clock=clock)


def feishu_events(baton: Baton) -> Any:
    """HTTP mode's `POST /feishu/events` handler, feeding the listeners."""
    from bot.feishu.http import FeishuEvents, dedupe_in

    settings = baton.settings
    assert baton.feishu is not None and settings.feishu_verification_token is not None
    key = settings.feishu_encrypt_key
    return FeishuEvents(
        verification_token=settings.feishu_verification_token.get_secret_value(),
        encrypt_key=key.get_secret_value() if key else None,
        on_event=baton.feishu,
        first_time=dedupe_in(baton.engine, baton.clock),
        clock=baton.clock,
        bot_open_id=baton.feishu.bot_open_id,
    )


def slack_asgi(baton: Baton, *, bolt: App | None, feishu: Any = None) -> Any:
    """The HTTP server's app (bot.server). On SQLite, Slack requests that never wait on Slack are
    answered on the event loop: one writer at a time is all the dispatcher threads get there anyway.
    PostgreSQL's statements wait on the network, which the threads overlap."""
    from bot.server import SlackASGI
    from bot.slack.fast_path import answered_at_once

    people, sqlite = baton.runner.people, baton.engine.dialect.name == "sqlite"
    on_loop = answered_at_once(people) if people is not None and sqlite else None
    return SlackASGI(bolt, baton.engine, feishu=feishu, inline=on_loop)


def feishu_long_connection(baton: Baton) -> Any:
    """Long-connection mode: the SDK's websocket client, feeding the same listeners (not started)."""
    from bot.feishu.http import dedupe_in
    from bot.feishu.long_conn import LongConnection

    settings = baton.settings
    assert baton.feishu is not None and settings.feishu_app_secret is not None
    return LongConnection(
        app_id=settings.feishu_app_id or "",
        app_secret=settings.feishu_app_secret.get_secret_value(),
        domain=settings.feishu_domain,
        on_event=baton.feishu,
        first_time=dedupe_in(baton.engine, baton.clock),
        bot_open_id=baton.feishu.bot_open_id,
    )


def _add_slack(baton: Baton, settings: Settings) -> None:
    """The Slack side: a Bolt app whose listeners call the handlers."""
    client = web_client(settings)
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    bolt = App(
        # Bolt's own client carries no token: each request gets one from authorize, with this base URL.
        client=WebClient(base_url=settings.slack_api_url, timeout=WEB_API_TIMEOUT),
        authorize=static_authorize(client.token or ""),
        signing_secret=secret,
        request_verification_enabled=not settings.socket_mode,
        token_verification_enabled=False,
        process_before_response=True,  # listeners only touch the database; Slack calls go via the outbox
        logger=_quiet_bolt_logger(),
    )
    baton.bolt = bolt
    middleware.register(bolt, baton)
    register(bolt, baton, client)  # listeners open forms with Baton's own client, not Bolt's per-request one
    register_error_handler(bolt, baton, client)


def _quiet_bolt_logger() -> logging.Logger:
    # Bolt warns that a token from the environment is skipped because authorize supplies it: expected here.
    bolt_logger = logging.getLogger("baton.bolt")
    bolt_logger.addFilter(lambda record: "token" not in record.getMessage().lower() or record.levelno > 30)
    return bolt_logger


def create_local(
    settings: Settings,
    sender: Sender,
    *,
    clock: Clock,
    engine: Engine | None = None,
    lanes: int | None = None,
) -> Baton:
    """The same brain without Slack: the console and command-line tools."""
    engine = engine or make_engine(settings.database_url)
    return _assemble(settings, engine, clock, None, sender, None, lanes=lanes)


def _assemble(
    settings: Settings,
    engine: Engine,
    clock: Clock,
    directory: Directory | None,
    sender: Sender,
    delivery_directory: Directory | None,
    *,
    lanes: int | None = None,
) -> Baton:
    config = settings.handler_config()
    worker = DeliveryWorker(
        engine,
        sender,
        clock,
        config=config,
        directory=delivery_directory,
        **({"concurrency": lanes} if lanes else {}),
    )
    return Baton(
        settings=settings,
        engine=engine,
        clock=clock,
        config=config,
        directory=directory,
        worker=worker,
    )
