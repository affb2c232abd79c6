"""Baton's own small settings, kept between runs: one value per key."""

from __future__ import annotations

from sqlmodel import Session

from storage.models import Setting


def get_value(*, session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row is not None else None


def set_value(*, session: Session, key: str, value: str) -> None:
    session.merge(Setting(key=key, value=value))
