"""APScheduler 3 triggers for `baton run`. The scheduler only says "now"; the database decides what is due."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from handlers.clock import Clock
from scheduler.delivery import DeliveryWorker
from scheduler.sweep import sweep
from storage import standups as standup_store
from storage.db import unit_of_work

log = logging.getLogger("baton.scheduler")
SWEEP_EVERY_SECONDS = 60


def sweep_job(engine: Engine, worker: DeliveryWorker, clock: Clock, default_tz: str) -> None:
    """One sweep at the current instant; what it queues is delivered at once."""
    queued = sweep(engine, now=clock(), default_tz=default_tz)
    if queued:
        worker.wake()


def standup_triggers(engine: Engine) -> dict[str, CronTrigger]:
    """A cron trigger per active stand-up, at its opening and closing times, in its own zone."""
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    triggers = {}
    with unit_of_work(engine) as session:
        for standup in standup_store.active_standups(session=session):
            # Weekends too when a country is set: its make-up workdays may fall on one; the sweep decides.
            on = "*" if standup.country else ",".join(days[int(d)] for d in standup.days.split(",") if d)
            for edge, clock_time in (("open", standup.at_time), ("close", standup.close_time)):
                hour, minute = clock_time.split(":")
                trigger = CronTrigger(day_of_week=on, hour=int(hour), minute=int(minute), timezone=standup.tz)
                triggers[f"standup:{standup.id}:{edge}"] = trigger
    return triggers


def sync_standup_jobs(
    scheduler: BaseScheduler, engine: Engine, worker: DeliveryWorker, clock: Clock, default_tz: str
) -> None:
    """Keep one job per stand-up edge in step with the database (stand-ups come and go at run time)."""
    wanted = standup_triggers(engine)
    for job in scheduler.get_jobs():
        if job.id.startswith("standup:") and job.id not in wanted:
            job.remove()
    for job_id, trigger in wanted.items():
        existing = scheduler.get_job(job_id)
        if existing is None or str(existing.trigger) != str(trigger):
            scheduler.add_job(
                sweep_job,
                trigger,
                args=(engine, worker, clock, default_tz),
                id=job_id,
                replace_existing=True,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
            )


def periodic_job(
    scheduler: BaseScheduler, engine: Engine, worker: DeliveryWorker, clock: Clock, default_tz: str
) -> None:
    sweep_job(engine, worker, clock, default_tz)
    sync_standup_jobs(scheduler, engine, worker, clock, default_tz)


def start_scheduler(
    engine: Engine, worker: DeliveryWorker, clock: Clock, default_tz: str
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    sync_standup_jobs(scheduler, engine, worker, clock, default_tz)
    scheduler.add_job(
        periodic_job,
        IntervalTrigger(seconds=SWEEP_EVERY_SECONDS),
        args=(scheduler, engine, worker, clock, default_tz),
        id="sweep",
        max_instances=1,  # a slow sweep is not overtaken by the next one
        coalesce=True,  # after a pause, one sweep catches up: the database knows what was sent
        misfire_grace_time=None,
        replace_existing=True,
    )
    scheduler.start()
    log.info("scheduler started: a sweep every %ss", SWEEP_EVERY_SECONDS)
    return scheduler
