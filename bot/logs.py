"""Structured log lines: `time level logger request=<id> message`, the id following a request through."""

from __future__ import annotations

import contextvars
import logging
import random

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("baton_request_id", default="-")
FORMAT = "%(asctime)s %(levelname)s %(name)s request=%(request_id)s %(message)s"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


def configure(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def new_request_id() -> str:
    request_id = f"{random.getrandbits(48):012x}"  # no system call per request, as uuid4 makes
    REQUEST_ID.set(request_id)
    return request_id
