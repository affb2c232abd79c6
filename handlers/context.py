"""What every handler is given: who speaks, where, when, on which database, under which settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session


@dataclass(frozen=True)
class Profile:
    """What a chat platform knows about a person."""

    user_id: str
    name: str
    tz: str | None = None
    locale: str | None = None
    is_admin: bool = False


class Directory(Protocol):
    """Looks people up on the chat platform (Slack's users.info; the console's seeded people)."""

    def profile(self, user_id: str) -> Profile | None: ...


@dataclass(frozen=True)
class Config:
    admins: frozenset[str] = frozenset()
    default_tz: str = "UTC"


@dataclass(frozen=True)
class Actor:
    user_id: str
    name: str
    tz: ZoneInfo
    locale: str  # "en" or "zh"
    is_admin: bool


@dataclass
class Context:
    session: Session
    now: datetime
    actor: Actor
    channel_id: str | None = None
    config: Config = field(default_factory=Config)
    channel_private: bool = False  # a private channel or group DM: what is filed here stays among its people
