"""Finding the people and departments a command names, and who the speaker is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from handlers.commands import DeptRef, PersonRef
from handlers.context import Actor, Config, Directory
from handlers.errors import NotFound
from handlers.i18n import locale_of
from storage import people as people_store
from storage.models import Department, Member

PROFILE_MAX_AGE = timedelta(hours=24)
PROFILE_RETRY = timedelta(minutes=10)  # after a failed lookup: not on every request while it is down
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")


def written_locale(text: str) -> str | None:
    """The language a command was written in, for platforms that do not say a person's language:
    Chinese characters → zh, other letters → en, nothing readable → None (no change)."""
    if _CJK.search(text):
        return "zh"
    return "en" if _LETTER.search(text) else None


def zone(name: str | None, default: str) -> ZoneInfo:
    for candidate in (name, default, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def refresh_member(
    session: Session, *, user_id: str, name_hint: str | None, directory: Directory | None, now: datetime
) -> Member:
    """The member row for a user, created on first sight, its profile refreshed once a day."""
    row = people_store.member(session=session, user_id=user_id)
    stale = row is None or row.profile_checked_at is None or now - row.profile_checked_at > PROFILE_MAX_AGE
    profile = directory.profile(user_id) if (stale and directory is not None) else None
    if row is None:
        row = Member(user_id=user_id, name=(profile.name if profile else None) or name_hint or user_id)
        session.add(row)
    if profile is not None:
        row.name = profile.name or row.name
        row.tz = profile.tz or row.tz
        row.locale = profile.locale or row.locale
        row.is_admin = profile.is_admin
        row.profile_checked_at = now
    else:
        if stale and directory is not None:
            row.profile_checked_at = now - PROFILE_MAX_AGE + PROFILE_RETRY
        if name_hint and row.name == row.user_id:
            row.name = name_hint
    return row


def actor_for(
    session: Session,
    *,
    user_id: str,
    name_hint: str | None,
    directory: Directory | None,
    config: Config,
    now: datetime,
    locale_override: str | None = None,
    wrote: str | None = None,
) -> Actor:
    """`wrote`: what the person just wrote, where the platform gives no language: it sets their
    chat locale; a `/task lang` choice still wins."""
    row = refresh_member(session, user_id=user_id, name_hint=name_hint, directory=directory, now=now)
    if wrote is not None and (found := written_locale(wrote)) is not None:
        row.locale = found
    return Actor(
        user_id=user_id,
        name=row.name,
        tz=zone(row.tz, config.default_tz),
        locale=locale_override or row.locale_override or locale_of(row.locale),
        is_admin=row.is_admin or user_id in config.admins,
    )


def reader_locale(member: Member | None) -> str:
    """The language to write to someone in: their `/task lang` choice, else their chat locale."""
    if member is None:
        return "en"
    return member.locale_override or locale_of(member.locale)


class Someone(Protocol):
    """A person as a command names them, for reading: a stored row or a Member."""

    @property
    def user_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def department_id(self) -> int | None: ...


class SomeDept(Protocol):
    """A department, for reading: a stored row (storage.people.DeptBrief) or a Department."""

    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...
    @property
    def lead_id(self) -> str: ...
    @property
    def tz(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def work_start(self) -> str: ...
    @property
    def work_end(self) -> str: ...


def people_and_departments(
    session: Session, refs: Sequence[PersonRef], *, type_named: str = ""
) -> list[tuple[Someone, SomeDept | None]]:
    """`person` for each ref, with their department: stored people come from one plain query; anyone
    else goes through `person` (created on first sight, or found by name). `type_named`: a request
    type's name looked up in each stored person's department in the same query (DeptBrief.type_id)."""
    user_ids = [r.user_id for r in refs if r.user_id]
    stored = people_store.briefs(session=session, user_ids=user_ids, type_named=type_named)
    found: list[tuple[Someone, SomeDept | None]] = []
    for ref in refs:
        if ref.user_id and ref.user_id in stored:
            found.append(stored[ref.user_id])
            continue
        row = person(session, ref)  # found by name, or created on first sight
        brief = people_store.briefs(session=session, user_ids=[row.user_id], type_named=type_named).get(
            row.user_id
        )
        found.append((row, brief[1] if brief is not None else None))
    return found


def someone(session: Session, ref: PersonRef) -> Someone:
    """`person`, for reading only."""
    return people_and_departments(session, [ref])[0][0]


def person(session: Session, ref: PersonRef) -> Member:
    """A mention names a real chat user (created on first sight); a bare @name must be known."""
    if ref.user_id:
        row = people_store.member(session=session, user_id=ref.user_id)
        if row is None:
            row = Member(user_id=ref.user_id, name=ref.name)
            session.add(row)
            session.flush()
        return row
    matches = people_store.members_named(session=session, name=ref.name)
    if not matches:
        raise NotFound("person_unknown", name=ref.name)
    if len(matches) > 1:
        raise NotFound("person_ambiguous", name=ref.name)
    return matches[0]


def department(session: Session, ref: DeptRef) -> Department:
    found = people_store.department_named(session=session, name=ref.name) if ref.name else None
    if found is None and ref.channel_id:
        found = people_store.department_for_channel(session=session, channel_id=ref.channel_id)
    if found is None:
        raise NotFound("dept_unknown", name=ref.name or ref.channel_id or "")
    return found
