"""APScheduler 3 triggers for `baton run`. The scheduler only says "now"; the database decides what is due."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from handlers.clock import Clock
from scheduler.delivery import DeliveryWorker
from scheduler.sweep import sweep

log = logging.getLogger("baton.scheduler")
SWEEP_EVERY_SECONDS = 60


def sweep_job(engine: Engine, worker: DeliveryWorker, clock: Clock, default_tz: str) -> None:
    """One sweep at the current instant; what it queues is delivered at once."""
    queued = sweep(engine, now=clock(), default_tz=default_tz)
    if queued:
        worker.wake()


def start_scheduler(
    engine: Engine, worker: DeliveryWorker, clock: Clock, default_tz: str
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        sweep_job,
        IntervalTrigger(seconds=SWEEP_EVERY_SECONDS),
        args=(engine, worker, clock, default_tz),
        id="sweep",
        max_instances=1,  # a slow sweep is not overtaken by the next one
        coalesce=True,  # after a pause, one sweep catches up: the database knows what was sent
        misfire_grace_time=None,
        replace_existing=True,
    )
    scheduler.start()
    log.info("scheduler started: a sweep every %ss", SWEEP_EVERY_SECONDS)
    return scheduler
