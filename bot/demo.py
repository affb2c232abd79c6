"""A small company for trying Baton in the console: four departments, their leads and people."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage import people as people_store
from storage.models import Department, Member

# (department, lead, people, response promise in hours, time zone, public holidays)
COMPANY = [
    ("sales", "alice", ["sam"], 4, "Asia/Shanghai", "CN"),
    ("production", "pete", ["paul", "pia"], 4, "Asia/Shanghai", "CN"),
    ("qa", "quinn", ["qiang"], 2, "Europe/Berlin", "DE"),
    ("procurement", "rita", ["raj"], 8, "America/New_York", "US"),
]
ADMIN = "alice"


def user_id(name: str) -> str:
    return f"U_{name.upper()}"


def seed(session: Session, *, now: datetime) -> bool:
    """Create the demo company once; returns False when it is already there."""
    if people_store.department_named(session=session, name=COMPANY[0][0]) is not None:
        return False
    for dept_name, lead, staff, sla, tz, country in COMPANY:
        dept = Department(
            name=dept_name,
            lead_id=user_id(lead),
            channel_id=f"#{dept_name}",
            sla_hours=sla,
            tz=tz,
            country=country,
            created_at=now,
        )
        session.add(dept)
        session.flush()
        for person in [lead, *staff]:
            locale = "zh-CN" if person in ("qiang", "pia") else "en-US"
            session.add(
                Member(
                    user_id=user_id(person),
                    name=person,
                    department_id=dept.id,
                    tz=tz,
                    locale=locale,
                    is_admin=person == ADMIN,
                    profile_checked_at=now,
                )
            )
    return True
