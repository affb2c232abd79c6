"""What every handler is given: who speaks, where, when, on which database, under which settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol
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
    """Looks people up on the chat platform (its user directory; the console's seeded people)."""

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


# The kind of conversation a command came from, as the adapter knows it (never guessed from ids here):
# "direct" (one to one with the bot), "private" (a private channel or group chat: what is filed there
# stays among its people), or "channel" (anyone may read it).
Conversation = Literal["direct", "channel", "private"]
CONVERSATIONS: tuple[Conversation, ...] = ("direct", "channel", "private")


@dataclass
class Context:
    session: Session
    now: datetime
    actor: Actor
    channel_id: str | None = None
    config: Config = field(default_factory=Config)
    conversation: Conversation = "channel"

    @property
    def channel_private(self) -> bool:
        """What is filed here stays among its people."""
        return self.conversation == "private"
