"""Bare Bolt apps for the HTTP baseline, served as Baton is (uvicorn + the same ASGI wrapper). The tuned
one answers on the event loop, as Baton answers what cannot wait on Slack (bot.slack.fast_path): its
listeners never wait on anything, so that is the best it can be served.

python -m bench.servers default|tuned|tuned-threads PORT
"""

from __future__ import annotations

import sys

import uvicorn
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.app import static_authorize
from bot.server import SlackASGI
from storage.db import make_engine


def bare_app(*, tuned: bool, secret: str, api_url: str) -> App:
    app = App(
        client=WebClient(base_url=api_url),
        authorize=static_authorize("xoxb-bench"),
        signing_secret=secret,
        token_verification_enabled=False,
        process_before_response=tuned,
    )

    @app.command("/task")
    def task(ack: Ack) -> None:
        ack(text="ok")

    @app.action("task_ack")
    def press(ack: Ack) -> None:
        ack()

    return app


if __name__ == "__main__":
    kind, port, secret, api_url = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    app = bare_app(tuned=kind.startswith("tuned"), secret=secret, api_url=api_url)
    on_loop = (lambda _request: True) if kind == "tuned" else None  # "tuned-threads": as before
    asgi = SlackASGI(app, make_engine("sqlite://"), inline=on_loop)
    uvicorn.run(asgi, host="127.0.0.1", port=port, log_level="warning", access_log=False)
