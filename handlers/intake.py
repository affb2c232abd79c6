"""Request types (a department's catalogue) and triage: what filing a task of a type means (SPEC §8).

`filing.file_task` calls `with_request_type` before it resolves the owner, `triage_owner` when no owner
was named, and `after_filing` once the task has its id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from handlers import people
from handlers.commands import DeptRef, NewTask, PersonRef
from handlers.context import Context
from handlers.errors import InvalidInput, NotAllowed, NotFound
from handlers.intake_commands import FieldSpec, TypeAdd, TypeList, TypeRemove
from handlers.results import Reply, Text, TypeView
from storage import intake as intake_store
from storage import people as people_store
from storage import tasks as task_store
from storage.models import Department, Member, RequestType, Task, TaskField


@dataclass(frozen=True)
class Triage:
    """Who got a task filed without an owner, and the rule that chose them (kept in its history)."""

    owner: Member
    rule: str  # "lead", "rotate", "type owner", "type rotate"


def specs_of(rtype: RequestType) -> list[FieldSpec]:
    return [FieldSpec(f["name"], bool(f["required"])) for f in json.loads(rtype.fields or "[]")]


# ---- the catalogue ---------------------------------------------------------------------------


def _require_lead(ctx: Context, dept: Department) -> None:
    if not ctx.actor.is_admin and dept.lead_id != ctx.actor.user_id:
        raise NotAllowed("not_allowed_type", dept=dept.name)


def type_add(ctx: Context, cmd: TypeAdd) -> Reply:
    dept = people.department(ctx.session, cmd.dept)
    _require_lead(ctx, dept)
    assert dept.id is not None
    if intake_store.request_type(session=ctx.session, department_id=dept.id, name=cmd.name) is not None:
        raise NotAllowed("type_exists", name=cmd.name, dept=dept.name)
    owner = people.person(ctx.session, cmd.owner).user_id if cmd.owner else None
    rotation = [people.person(ctx.session, p).user_id for p in cmd.rotation]
    rtype = RequestType(
        department_id=dept.id,
        name=cmd.name,
        fields=json.dumps([{"name": f.name, "required": f.required} for f in cmd.fields], ensure_ascii=False),
        priority=cmd.priority.value if cmd.priority else None,
        sla_hours=cmd.sla_hours,
        owner_id=owner,
        rotation=",".join(rotation) or None,
        created_at=ctx.now,
    )
    ctx.session.add(rtype)
    return Reply(kind="message", text=Text("type_added", {"name": cmd.name, "dept": dept.name}))


def type_remove(ctx: Context, cmd: TypeRemove) -> Reply:
    dept = people.department(ctx.session, cmd.dept)
    _require_lead(ctx, dept)
    assert dept.id is not None
    rtype = intake_store.request_type(session=ctx.session, department_id=dept.id, name=cmd.name)
    if rtype is None:
        raise NotFound("type_unknown", name=cmd.name, dept=dept.name)
    # Tasks filed as it keep their fields; they just no longer name a type.
    for task in task_store.tasks_of_type(session=ctx.session, type_id=rtype.id):
        task.request_type_id = None
    ctx.session.flush()
    ctx.session.delete(rtype)
    return Reply(kind="message", text=Text("type_removed", {"name": cmd.name, "dept": dept.name}))


def type_list(ctx: Context, cmd: TypeList) -> Reply:
    dept = people.department(ctx.session, cmd.dept) if cmd.dept else None
    rows = intake_store.request_types(session=ctx.session, department_id=dept.id if dept else None)
    depts = people_store.department_names(session=ctx.session, ids=[r.department_id for r in rows])
    names = people_store.member_names(
        session=ctx.session,
        user_ids={u for r in rows for u in [r.owner_id or "", *(r.rotation or "").split(",")] if u},
    )
    lines = [describe(r, depts.get(r.department_id, "?"), names) for r in rows]
    if not lines:
        return Reply(kind="message", text=Text("type_none"))
    views = tuple(
        TypeView(
            depts.get(r.department_id, "?"),
            r.name,
            tuple((s.name, s.required) for s in specs_of(r)),
            priority=r.priority or None,
        )
        for r in rows
    )
    return Reply(kind="message", text=Text("type_list", {"lines": "\n".join(lines)}), types=views)


def describe(rtype: RequestType, dept: str, names: dict[str, str]) -> str:
    """One line of the catalogue: `#quality calib` — fields, priority, promise, owner rule."""
    parts = [f"`#{dept} {rtype.name}`"]
    specs = specs_of(rtype)
    if specs:
        parts.append(", ".join(f"{s.name}{'*' if s.required else ''}" for s in specs))
    if rtype.priority:
        parts.append(f"!{rtype.priority}")
    if rtype.sla_hours:
        parts.append(f"sla {rtype.sla_hours}h")
    if rtype.owner_id:
        parts.append("owner @" + names.get(rtype.owner_id, rtype.owner_id))
    if rtype.rotation:
        parts.append("rotate " + " ".join("@" + names.get(u, u) for u in rtype.rotation.split(",")))
    return " · ".join(parts)


# ---- filing a task of a type -----------------------------------------------------------------


def with_request_type(
    ctx: Context,
    cmd: NewTask,
    *,
    owner: people.Someone | None = None,
    owner_type: tuple[str, int | None] | None = None,
) -> tuple[NewTask, RequestType | None]:
    """The command as filed: when the title's first word is a type of the target department, that word
    leaves the title, the fields are checked and the type's priority applies. Otherwise any `name: value`
    words were part of the title. `owner`: the named owner, when the caller has already looked them up;
    `owner_type`: (a word, the id of the type of that name in the owner's department, or None), when
    the caller asked that with them (storage.people.briefs)."""
    first, _, rest = cmd.title.partition(" ")
    rtype = _type_named(ctx, cmd, first.lower(), owner, owner_type)
    if rtype is None:
        if cmd.fields:
            return replace(cmd, title=cmd.typed_title, fields=()), None
        return cmd, None
    given = dict(cmd.fields)
    specs = specs_of(rtype)
    unknown = [name for name in given if name not in {s.name for s in specs}]
    if unknown:
        known = ", ".join(s.name for s in specs)
        raise InvalidInput("field_unknown", name=unknown[0], type=rtype.name, fields=known)
    missing = [s.name for s in specs if s.required and not given.get(s.name, "").strip()]
    if missing:
        raise InvalidInput("field_missing", names=", ".join(missing), type=rtype.name)
    if not rest.strip():
        raise InvalidInput("title_missing")
    dept = ctx.session.get(Department, rtype.department_id)
    assert dept is not None
    priority = cmd.priority
    if priority is None and rtype.priority:
        from handlers.command_parser import parse_priority

        priority = parse_priority(rtype.priority)
    changes = {"title": rest.strip(), "priority": priority, "dept": cmd.dept or DeptRef(name=dept.name)}
    return replace(cmd, **changes), rtype  # type: ignore[arg-type]


def _type_named(
    ctx: Context,
    cmd: NewTask,
    word: str,
    owner: people.Someone | None,
    owner_type: tuple[str, int | None] | None = None,
) -> RequestType | None:
    if not word:
        return None
    dept_id: int | None = None
    if cmd.dept is not None:
        dept_id = people.department(ctx.session, cmd.dept).id
    elif cmd.owner is not None and owner_type is not None and owner_type[0] == word:
        type_id = owner_type[1]  # asked with the owner: nearly always no type
        return ctx.session.get(RequestType, type_id) if type_id is not None else None
    elif cmd.owner is not None:
        dept_id = (owner or people.person(ctx.session, cmd.owner)).department_id
    else:
        found = intake_store.types_named(session=ctx.session, name=word)
        return found[0] if len(found) == 1 else None
    if dept_id is None:
        return None
    return intake_store.request_type(session=ctx.session, department_id=dept_id, name=word)


def triage_owner(ctx: Context, dept: Department, rtype: RequestType | None) -> Triage:
    """The owner of work filed to a department without one: the type's owner or rotation, else the
    department's rule (its lead, or its members in turn)."""
    if rtype is not None and rtype.owner_id:
        return Triage(people.person(ctx.session, _ref(rtype.owner_id)), "type owner")
    if rtype is not None and rtype.rotation:
        chosen = _rotate(ctx, dept, f"type:{rtype.id}", rtype.rotation.split(","))
        if chosen is not None:
            return Triage(chosen, "type rotate")
    if dept.triage == "rotate":
        assert dept.id is not None
        members = intake_store.department_members(session=ctx.session, department_id=dept.id)
        chosen = _rotate(ctx, dept, f"dept:{dept.id}", members)
        if chosen is not None:
            return Triage(chosen, "rotate")
    return Triage(people.person(ctx.session, _ref(dept.lead_id)), "lead")


def _rotate(ctx: Context, dept: Department, key: str, candidates: list[str]) -> Member | None:
    """The next of `candidates` still in the department and not away; the turn is kept in the database."""
    assert dept.id is not None
    members = set(intake_store.department_members(session=ctx.session, department_id=dept.id))
    present = [u for u in candidates if u in members]
    away = intake_store.away_now(session=ctx.session, user_ids=present, now=ctx.now)
    eligible = [u for u in present if u not in away]
    if not eligible:
        return None
    turn = intake_store.next_turn(session=ctx.session, key=key)
    return ctx.session.get(Member, eligible[(turn - 1) % len(eligible)])


def type_values(rtype: RequestType | None) -> dict[str, int | None]:
    """A task filed as a type carries it, and the type's response promise."""
    return {"request_type_id": rtype.id, "sla_hours": rtype.sla_hours} if rtype is not None else {}


def after_filing(
    ctx: Context,
    task: Task,
    rtype: RequestType | None,
    fields: tuple[tuple[str, str], ...],
    triage: Triage | None,
) -> None:
    """A filed task's fields; and, when triage chose its owner, the rule in its history. (Its type and
    promise are set when it is stored: `type_values`.)"""
    assert task.id is not None
    if rtype is not None:
        order = {s.name: i for i, s in enumerate(specs_of(rtype))}
        for name, value in fields:
            ctx.session.add(TaskField(task_id=task.id, name=name, value=value, position=order.get(name, 99)))
    if triage is not None and triage.rule != "lead":
        task_store.record_event(
            session=ctx.session,
            task_id=task.id,
            actor_id=ctx.actor.user_id,
            action="triage",
            at=ctx.now,
            to_value=triage.owner.user_id,
            note=f"triage: {triage.rule}",
        )


def _ref(user_id: str) -> PersonRef:
    return PersonRef(user_id=user_id, name=user_id)


def type_id(ctx: Context, dept: Department, name: str) -> int | None:
    """A department's type by name, for `/task list dept <name> type <type>`; an unknown one is refused."""
    assert dept.id is not None
    rtype = intake_store.request_type(session=ctx.session, department_id=dept.id, name=name)
    if rtype is None:
        raise NotFound("type_unknown", name=name, dept=dept.name)
    return rtype.id
