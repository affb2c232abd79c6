"""The composition root: create_app(settings) wires storage, handlers, delivery and Slack.

Nothing happens at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.directory import SlackDirectory
from bot.slack.errors import register_error_handler
from bot.slack.listeners import register
from bot.slack.sender import SlackSender
from handlers.clock import Clock, system_clock
from handlers.context import Config, Directory
from scheduler.delivery import DeliveryWorker, Sender
from storage.db import make_engine

WEB_API_TIMEOUT = 10


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

    def start(self, *, with_scheduler: bool = False) -> None:
        self.worker.start()
        if with_scheduler:
            from scheduler.jobs import start_scheduler

            self.scheduler = start_scheduler(self.engine, self.worker, self.clock, self.config.default_tz)

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)  # a sweep in progress finishes first
            self.scheduler = None
        self.worker.stop()
        self.engine.dispose()


def web_client(settings: Settings) -> WebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(token=token, base_url=settings.slack_api_url, timeout=WEB_API_TIMEOUT)


def create_app(settings: Settings, *, clock: Clock = system_clock, engine: Engine | None = None) -> Baton:
    """The Slack bot: a Bolt app whose listeners call the handlers, and the delivery worker."""
    engine = engine or make_engine(settings.database_url)
    client = web_client(settings)
    bolt = App(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value()
        if settings.slack_signing_secret
        else "",
        request_verification_enabled=not settings.socket_mode,
        token_verification_enabled=False,  # start without calling Slack; auth.test runs on first request
        process_before_response=True,  # listeners only touch the database; Slack calls go via the outbox
    )
    sender = SlackSender(client, default_tz=settings.baton_timezone, clock=clock, admins=settings.admins)
    baton = _assemble(settings, engine, clock, SlackDirectory(client), sender)
    baton.bolt = bolt
    register(bolt, baton)
    register_error_handler(bolt)
    return baton


def create_local(settings: Settings, sender: Sender, *, clock: Clock, engine: Engine | None = None) -> Baton:
    """The same brain without Slack: the console and command-line tools."""
    return _assemble(settings, engine or make_engine(settings.database_url), clock, None, sender)


def _assemble(
    settings: Settings, engine: Engine, clock: Clock, directory: Directory | None, sender: Sender
) -> Baton:
    worker = DeliveryWorker(engine, sender, clock)
    return Baton(
        settings=settings,
        engine=engine,
        clock=clock,
        config=settings.handler_config(),
        directory=directory,
        worker=worker,
    )
