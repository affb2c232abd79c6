"""APScheduler wiring: a sweep every minute, and a cron trigger per stand-up in its own zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from handlers.clock import FixedClock
from scheduler.delivery import DeliveryWorker
from scheduler.jobs import standup_triggers, sync_standup_jobs
from storage.db import unit_of_work
from storage.models import Standup
from tests.simulation import Recorder


def test_each_stand_up_gets_cron_triggers_in_its_own_zone(engine: Engine) -> None:
    now = datetime(2026, 10, 23, 0, 0, tzinfo=UTC)
    with unit_of_work(engine) as session:
        session.add(
            Standup(
                channel_id="C_QA",
                at_time="09:00",
                close_time="11:00",
                tz="Europe/Berlin",
                days="0,1,2,3,4",
                created_by="U1",
                created_at=now,
            )
        )
        session.add(
            Standup(
                channel_id="C_PROD",
                at_time="09:30",
                close_time="11:30",
                tz="Asia/Shanghai",
                country="CN",
                created_by="U1",
                created_at=now,
            )
        )
    triggers = standup_triggers(engine)
    assert sorted(triggers) == ["standup:1:close", "standup:1:open", "standup:2:close", "standup:2:open"]
    berlin = triggers["standup:1:open"]
    assert berlin.timezone == ZoneInfo("Europe/Berlin")
    # Friday 23 Oct, then across the change to winter time: 09:00 local both times.
    first = berlin.get_next_fire_time(None, now)
    after = berlin.get_next_fire_time(None, datetime(2026, 10, 24, 0, 0, tzinfo=UTC))
    assert (first.hour, first.utcoffset().total_seconds()) == (9, 7200)
    assert (after.strftime("%a"), after.hour, after.utcoffset().total_seconds()) == ("Mon", 9, 3600)
    # With a holiday country the trigger fires every day; the sweep decides (make-up workdays).
    assert "day_of_week='*'" in str(triggers["standup:2:open"])

    clock = FixedClock(now)
    scheduler = BackgroundScheduler(timezone="UTC")
    worker = DeliveryWorker(engine, Recorder(clock), clock)
    sync_standup_jobs(scheduler, engine, worker, clock, "UTC")
    assert sorted(job.id for job in scheduler.get_jobs()) == sorted(triggers)
    with unit_of_work(engine) as session:
        standup = session.get(Standup, 1)
        assert standup is not None
        standup.active = False
    sync_standup_jobs(scheduler, engine, worker, clock, "UTC")
    assert sorted(job.id for job in scheduler.get_jobs()) == ["standup:2:close", "standup:2:open"]
