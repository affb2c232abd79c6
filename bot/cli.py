"""The `baton` command: run, console, tick, db upgrade (SPEC §1)."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot import logs
from bot.settings import ConfigError, Settings, load_settings
from storage import migrate
from storage.db import DatabaseUnavailable, make_engine

log = logging.getLogger("baton")
_SERVING: list[Any] = []  # the HTTP apps of this process, told when it starts draining


class SchemaBehind(Exception):
    pass


class SlackUnreachable(Exception):
    """Socket Mode could not open its connection at start: one line saying what to do."""


class FeishuUnreachable(Exception):
    """Feishu refused the app's credentials, or could not be reached, at start: one line."""


def prepare_database(settings: Settings) -> Engine:
    """The embedded SQLite default migrates itself; a shared PostgreSQL is upgraded deliberately."""
    engine = make_engine(settings.database_url)
    try:
        if engine.dialect.name == "sqlite":
            migrate.upgrade(engine)
        elif not migrate.is_current(engine):
            raise SchemaBehind(
                f"The database schema is at {migrate.current_revision(engine) or 'nothing'}, this Baton "
                f"needs {migrate.head_revision(engine)}: run `baton db upgrade` once, then start the "
                "replicas."
            )
    except OperationalError as err:
        raise unreachable_database(engine, err) from None
    return engine


def unreachable_database(engine: Engine, err: OperationalError) -> DatabaseUnavailable:
    """The driver's own first line says why (refused, unknown host, bad password); no traceback."""
    reason = str(err.orig or err).strip().splitlines()[0] if str(err.orig or err).strip() else "no answer"
    where = engine.url.render_as_string(hide_password=True)
    return DatabaseUnavailable(
        f"Cannot open the database {where} ({reason}): check DATABASE_URL and that the server is running"
    )


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_platform()
    from bot import workers

    if (count := workers.workers_wanted(args.workers, settings)) > 1:
        return workers.serve_workers(count, settings, with_scheduler=not args.no_scheduler)
    from bot.app import create_app  # Slack and Feishu libraries load only when the bot runs

    engine = prepare_database(settings)
    baton = create_app(settings, engine=engine)
    from handlers.dates import warm_up

    warm_up()
    if baton.feishu is not None:
        check_feishu(baton, settings)  # before anything starts: a refusal is one line and an exit
    from bot.workers import start_delivery, stop_delivery

    delivery = start_delivery(baton, settings)  # its own process, or None: a thread of this one
    baton.start(with_scheduler=not args.no_scheduler, serving=True)
    # An HTTP server runs unless Slack's Socket Mode is all there is: Slack's or Feishu's events, and
    # health checks for a Feishu long connection.
    http = baton.feishu is not None or not settings.socket_mode
    try:
        # Stop cleanly on SIGTERM: uvicorn shuts its server down and re-raises the signal to us;
        # we then leave through `finally`, so the delivery worker finishes what it holds.
        signal.signal(signal.SIGTERM, _note_sigterm if http else _stop_on_sigterm)
        if baton.feishu is not None and settings.feishu_connection == "long":
            from bot.app import feishu_long_connection

            baton.feishu_connection = feishu_long_connection(baton).start()
            log.info("Baton is connected to Feishu / Lark (long connection)")
        if baton.bolt is not None and settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            assert settings.slack_app_token is not None
            handler = SocketModeHandler(baton.bolt, settings.slack_app_token.get_secret_value())
            connect_socket_mode(handler, settings)
            log.info("Baton is running in Socket Mode")
        if delivery is not None:  # said once connected: a start that fails says only why (one line)
            log.info("delivery runs in process %s", delivery.pid)
        if http:
            serve_http(baton, port=settings.port)
        else:
            threading.Event().wait()  # the connection lives in its own threads; SIGTERM ends this wait
    finally:
        baton.stop()
        stop_delivery(delivery)
    return 0


def connect_socket_mode(handler: Any, settings: Settings) -> None:
    """Open the Socket Mode connection once, at start, and turn a failure into one line. Later drops are
    the SDK's to reconnect."""
    from slack_sdk.errors import SlackApiError

    # The SDK logs each refused attempt (and Bolt's logger the final error); the line below says it once.
    loggers = [logging.getLogger("slack_sdk"), handler.client.logger]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        handler.connect()
    except SlackApiError as err:
        code = err.response.get("error", "an error") if err.response is not None else "an error"
        raise SlackUnreachable(
            f"Slack refused to open a Socket Mode connection ({code}): check SLACK_APP_TOKEN, an app-level "
            "token with the connections:write scope, and that Socket Mode is enabled for the app"
        ) from None
    except OSError as err:  # URLError, refused connections, DNS failures and timeouts are all OSErrors
        reason = getattr(err, "reason", None) or err
        raise SlackUnreachable(
            f"Cannot reach Slack at {settings.slack_api_url} ({reason}): check the network, a proxy, "
            "or SLACK_API_URL, then start Baton again"
        ) from None
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def check_feishu(baton: Any, settings: Settings) -> None:
    """Ask Feishu who the bot is, once: one line when it refuses the app's credentials or cannot be
    reached. (The long connection's later drops are the SDK's to reconnect.)"""
    from bot.feishu.api import FeishuError
    from handlers.ports import RetryLater, Undeliverable

    try:
        baton.feishu.api.bot_open_id()
    except (FeishuError, Undeliverable) as err:
        raise FeishuUnreachable(
            f"Feishu refused the app's credentials ({err}): check FEISHU_APP_ID and FEISHU_APP_SECRET, and "
            "that the app's bot ability is enabled and a version is published"
        ) from None
    except RetryLater as err:
        raise FeishuUnreachable(
            f"Cannot reach Feishu at {settings.feishu_domain} ({err}): check the network, a proxy, or "
            "FEISHU_DOMAIN, then start Baton again"
        ) from None


def _note_sigterm(signum: int, _frame: object) -> None:
    log.info("SIGTERM: stopping")
    for app in _SERVING:
        app.draining = True


def _stop_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(0)


def serve_http(baton, *, port: int, sock: socket.socket | None = None) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from bot.app import feishu_events, slack_asgi

    settings = baton.settings
    feishu = (
        feishu_events(baton) if baton.feishu is not None and settings.feishu_connection == "http" else None
    )
    asgi = slack_asgi(baton, bolt=None if settings.socket_mode else baton.bolt, feishu=feishu)
    _SERVING.append(asgi)
    config = uvicorn.Config(
        asgi,
        host="0.0.0.0",
        port=port,
        log_level="info",
        lifespan="on",
        access_log=False,
    )
    paths = [p for p, on in (("POST /slack/events", asgi.bolt), ("POST /feishu/events", feishu)) if on]
    log.info("Baton is listening on port %s (%s)", port, ", ".join([*paths, "GET /healthz"]))
    from bot.workers import inherited_socket

    sock = sock or inherited_socket()  # one of several processes serving one pre-bound port
    uvicorn.Server(config).run(sockets=[sock] if sock else None)


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import Console

    # The terminal is the conversation: only warnings (a message that could not go) interrupt it.
    logging.getLogger().setLevel(logging.WARNING)

    prepare_database(settings)
    console = Console(settings)
    console.seed(demo_company=args.demo)
    console.run()
    return 0


def cmd_tick(args: argparse.Namespace, settings: Settings) -> int:
    try:
        at = datetime.fromisoformat(args.at)
    except ValueError:
        print(f"--at {args.at!r} is not an ISO-8601 instant, e.g. 2026-11-23T09:30:00+08:00", file=sys.stderr)
        return 2
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    engine = prepare_database(settings)
    from bot.text_render import describe
    from handlers.clock import FixedClock
    from scheduler.tick import tick

    worker = None
    if (settings.slack_bot_token is not None or settings.feishu_enabled) and not args.dry_run:
        from bot.app import create_app

        worker = create_app(settings, clock=FixedClock(at), engine=engine).worker
    lines = tick(
        engine,
        at=at,
        config=settings.handler_config(),
        worker=worker,
        dry_run=args.dry_run,
        describe=describe,
    )
    for line in lines:
        print(line)
    return 0


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.clock import system_clock
    from storage import outbox
    from storage.db import unit_of_work

    engine = prepare_database(settings)
    if args.action == "retry":
        if not args.target:
            print("Write `baton outbox retry <id>` or `baton outbox retry all`.", file=sys.stderr)
            return 2
        if args.target != "all" and not args.target.isdigit():
            print(f"{args.target!r} is not a message id; see `baton outbox`.", file=sys.stderr)
            return 2
        ids = None if args.target == "all" else [int(args.target)]
        with unit_of_work(engine) as session:
            count = outbox.retry(session=session, ids=ids, now=system_clock())
        if ids is not None and count == 0:
            print(f"There is no message #{ids[0]} waiting or failed; see `baton outbox`.", file=sys.stderr)
            return 2
        messages = "1 message" if count == 1 else f"{count} messages"
        print(f"{messages} will be sent again by the next delivery pass.")
        return 0
    with unit_of_work(engine) as session:
        rows = outbox.unsettled(session=session)
        if not rows:
            print("Nothing pending or failed: every message went out.")
        for r in rows:
            subject = f" T-{r.task_id}" if r.task_id else ""
            when = r.next_attempt_at.isoformat(timespec="seconds")
            error = f" — {r.last_error}" if r.last_error else ""
            print(
                f"#{r.id} {r.status} {r.kind} {r.event or ''} → {r.recipient}{subject} "
                f"(attempts {r.attempts}, next {when}){error}"
            )
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        before = migrate.current_revision(engine)
        migrate.upgrade(engine)
    except OperationalError as err:
        raise unreachable_database(engine, err) from None
    print(f"Database schema: {before or 'empty'} → {migrate.current_revision(engine)}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="baton", description="Baton carries work between departments.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot on Slack, Feishu / Lark, or both (as configured)")
    run.add_argument(
        "--no-scheduler", action="store_true", help="serve requests and deliver, but run no sweeps"
    )
    run.add_argument(
        "--workers", type=int, default=None, help="serving processes on one port (PostgreSQL; BATON_WORKERS)"
    )
    run.set_defaults(func=cmd_run)
    console = sub.add_parser("console", help="the same bot in a terminal, no Slack needed")
    console.add_argument("--demo", action="store_true", help="seed a small demo company")
    console.set_defaults(func=cmd_console)
    tick = sub.add_parser("tick", help="run, once, the scheduled work due at an instant")
    tick.add_argument("--at", required=True, help="ISO-8601 instant, e.g. 2026-11-23T09:30:00+08:00")
    tick.add_argument("--dry-run", action="store_true", help="print what would be sent; change nothing")
    tick.set_defaults(func=cmd_tick)
    box = sub.add_parser("outbox", help="messages not delivered yet: pending or failed")
    box.add_argument("action", nargs="?", choices=["list", "retry"], default="list")
    box.add_argument("target", nargs="?", help="with retry: a message id, or all")
    box.set_defaults(func=cmd_outbox)
    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="bring the schema up to date").set_defaults(func=cmd_db)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logs.configure()
    try:
        settings = load_settings()
        return int(args.func(args, settings) or 0)
    except (ConfigError, SchemaBehind, DatabaseUnavailable, SlackUnreachable, FeishuUnreachable) as err:
        print(f"baton: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
