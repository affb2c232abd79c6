"""In-process cost of a request: `App.dispatch` of signed Slack requests, no HTTP, no delivery.

python -m bench.inprocess [--count N] [--profile]   (CPU per request, median over N; --profile prints
where it goes, with pyinstrument)
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_bolt import BoltRequest

from bot.app import Baton, create_app
from bot.settings import Settings
from storage import migrate
from tests.fake_slack import FakeSlack
from tests.live import SECRET, signed_headers

NEW_TASK = 'new Bench task <@U_PAUL|paul> due:"in 3 days"'
ROUNDS = 3


def slash(text: str, user: str = "U_ALICE") -> str:
    return urlencode(
        {
            "command": "/task",
            "text": text,
            "user_id": user,
            "user_name": user.lower().removeprefix("u_"),
            "channel_id": "C_BENCH",
            "channel_name": "bench",
            "team_id": "T1",
            "trigger_id": "1.2",
        }
    )


def press(task_id: int, move: str = "task_ack", user: str = "U_PAUL") -> str:
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower()},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "container": {"type": "message", "channel_id": "C_BENCH", "message_ts": "1.1"},
        "channel": {"id": "C_BENCH"},
        "trigger_id": "1.2",
        "response_url": "",
        "actions": [{"type": "button", "action_id": move, "block_id": "b", "value": str(task_id)}],
    }
    return urlencode({"payload": json.dumps(payload)})


def request(body: str) -> BoltRequest:
    return BoltRequest(body=body, headers={k.lower(): [v] for k, v in signed_headers(body).items()})


def bench_app(workdir: Path, fake: FakeSlack) -> Baton:
    settings = Settings(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.url,
        DATABASE_URL=f"sqlite:///{workdir / 'inprocess.db'}",
        BATON_ADMINS="U_ADMIN",
    )  # type: ignore[call-arg]
    baton = create_app(settings)
    migrate.upgrade(baton.engine)
    return baton


def cpu_per_request(baton: Baton, bodies: list[str]) -> list[float]:
    """CPU milliseconds of this thread for each dispatch (the signature is made before timing)."""
    assert baton.bolt is not None
    costs = []
    for body in bodies:
        req = request(body)
        started = time.thread_time()
        response = baton.bolt.dispatch(req)
        costs.append((time.thread_time() - started) * 1000)
        assert response.status == 200, response.body
    return costs


def measure(count: int, *, profile: bool = False) -> dict[str, Any]:
    fake = FakeSlack().start()
    for user in ("U_ALICE", "U_PAUL", "U_ADMIN"):
        fake.add_user(user, user.lower().removeprefix("u_"), admin=user == "U_ADMIN")
    with tempfile.TemporaryDirectory() as workdir:
        baton = bench_app(Path(workdir), fake)
        try:
            cpu_per_request(baton, [slash("dept add production lead <@U_PAUL|paul>", "U_ADMIN")])
            cpu_per_request(baton, [slash(NEW_TASK), slash(NEW_TASK, "U_PAUL")] * 5)  # warm: people known
            from sqlmodel import select

            from storage.db import unit_of_work
            from storage.models import Task

            with unit_of_work(baton.engine) as session:
                task_id = max(session.exec(select(Task.id)).all())
            profiler = None
            if profile:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0002)
                profiler.start()
            # Rounds, each a median: a machine shared with anything else has slow stretches; the median
            # of the rounds' medians is the figure, the rounds are printed beside it.
            rounds: dict[str, list[float]] = {"new": [], "press": []}
            for _ in range(ROUNDS):
                rounds["new"].append(statistics.median(cpu_per_request(baton, [slash(NEW_TASK)] * count)))
                # A real move: the owner acknowledges each task just filed (an UPDATE, an event, the
                # requester's notice and the card), not a press answered "already".
                fresh = range(task_id + 1, task_id + count + 1)
                rounds["press"].append(statistics.median(cpu_per_request(baton, [press(t) for t in fresh])))
                task_id += count
            if profiler:
                profiler.stop()
            return {
                "new": statistics.median(rounds["new"]),
                "press": statistics.median(rounds["press"]),
                "rounds_new": rounds["new"],  # type: ignore[dict-item]
                "rounds_press": rounds["press"],  # type: ignore[dict-item]
                "profiler": profiler,  # pyinstrument's, with `profile`: the caller prints or condenses it
            }
        finally:
            baton.stop()
            fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    result = measure(args.count, profile=args.profile)
    if result["profiler"]:
        print(result["profiler"].output_text(unicode=False, color=False, show_all=False))
    print(
        f"/task new: {result['new']:.2f} ms CPU (rounds of {args.count}: "
        f"{', '.join(f'{r:.2f}' for r in result['rounds_new'])}); button press: {result['press']:.2f} ms "
        f"({', '.join(f'{r:.2f}' for r in result['rounds_press'])})"
    )


if __name__ == "__main__":
    main()
