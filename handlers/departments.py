"""Departments, their leads, channels and response promises; who belongs where (admin)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from handlers import people
from handlers.commands import DeptList, DeptRef, DeptUpsert, SetMember
from handlers.context import Context
from handlers.errors import InvalidInput, NotAllowed, NotFound
from handlers.results import DeptView, Reply, Text
from handlers.worktime import supported_country
from storage import people as people_store
from storage.models import Department

DEFAULT_SLA_HOURS = 4


def require_admin(ctx: Context) -> None:
    if not ctx.actor.is_admin:
        raise NotAllowed("not_allowed_admin")


def upsert(ctx: Context, cmd: DeptUpsert) -> Reply:
    require_admin(ctx)
    existing = people_store.department_named(session=ctx.session, name=cmd.name)
    if cmd.create and existing is not None:
        raise NotAllowed("dept_exists", name=cmd.name)
    if not cmd.create and existing is None:
        raise NotFound("dept_unknown", name=cmd.name)
    changes = (cmd.lead, cmd.channel, cmd.sla_hours, cmd.tz, cmd.country, cmd.hours, cmd.triage, cmd.intake)
    if not cmd.create and all(c is None for c in changes) and not cmd.intake_off:
        raise NotAllowed("no_change")
    if cmd.tz is not None:
        try:
            ZoneInfo(cmd.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput("tz_bad", given=cmd.tz[:40]) from None
    if cmd.country is not None and not supported_country(cmd.country):
        raise InvalidInput("country_bad", given=cmd.country[:8])
    lead = people.person(ctx.session, cmd.lead) if cmd.lead else None
    dept = existing or Department(name=cmd.name, lead_id="", sla_hours=DEFAULT_SLA_HOURS, created_at=ctx.now)
    if lead is not None:
        dept.lead_id = lead.user_id
    if cmd.channel is not None:
        dept.channel_id = _channel_id(cmd.channel)
    if cmd.intake is not None:
        dept.intake_channel_id = _channel_id(cmd.intake)
    elif cmd.intake_off:
        dept.intake_channel_id = None
    if cmd.sla_hours is not None:
        dept.sla_hours = cmd.sla_hours
    if cmd.tz is not None:
        dept.tz = cmd.tz
    if cmd.country is not None:
        dept.country = cmd.country
    if cmd.hours is not None:
        dept.work_start, dept.work_end = cmd.hours
    if cmd.triage is not None:
        dept.triage = cmd.triage
    ctx.session.add(dept)
    ctx.session.flush()
    if lead is not None and lead.department_id is None:
        lead.department_id = dept.id
    if cmd.create:
        return Reply(
            kind="message", text=Text("dept_added", {"name": dept.name, "lead": lead.name if lead else ""})
        )
    return Reply(kind="message", text=Text("dept_updated", {"name": dept.name}))


def _channel_id(ref: DeptRef) -> str:
    # A chat platform gives a channel id; the console names channels, and its ids are '#name'.
    return ref.channel_id or f"#{ref.name}"


def list_departments(ctx: Context, _cmd: DeptList) -> Reply:
    rows = people_store.departments(session=ctx.session)
    if not rows:
        return Reply(kind="message", text=Text("dept_none"))
    views = tuple(DeptView(d.name, d.lead_id, d.channel_id, d.sla_hours) for d in rows)
    names = people_store.member_names(session=ctx.session, user_ids=[d.lead_id for d in rows])
    return Reply(kind="departments", departments=views, names=names)


def set_member(ctx: Context, cmd: SetMember) -> Reply:
    require_admin(ctx)
    member = people.person(ctx.session, cmd.person)
    dept = people.department(ctx.session, cmd.dept)
    member.department_id = dept.id
    return Reply(kind="message", text=Text("member_set", {"name": member.name, "dept": dept.name}))
