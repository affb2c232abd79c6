"""reminder marks: each task's next check and each person's next overdue digest

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 09:30:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_check_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_task_next_check_at"), ["next_check_at"], unique=False)
        # Each person's overdue tasks, for their digest: owner, status and due date in one index.
        batch_op.drop_index("ix_task_owner_status")
        batch_op.create_index("ix_task_owner_status_due", ["owner_id", "status", "due_at"], unique=False)
    # Every task that may still need a reminder is looked at by the first sweep after the upgrade.
    task = sa.table(
        "task", sa.column("status", sa.String), sa.column("next_check_at", storage.types.UTCDateTime())
    )
    op.execute(
        task.update()
        .where(task.c.status.not_in(["verified", "cancelled"]))
        .values(next_check_at=datetime(1970, 1, 1, tzinfo=UTC))
    )
    op.create_table(
        "digestschedule",
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("next_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    with op.batch_alter_table("digestschedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digestschedule_next_at"), ["next_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("digestschedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digestschedule_next_at"))
    op.drop_table("digestschedule")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_owner_status_due")
        batch_op.create_index("ix_task_owner_status", ["owner_id", "status"], unique=False)
        batch_op.drop_index(batch_op.f("ix_task_next_check_at"))
        batch_op.drop_column("next_check_at")
