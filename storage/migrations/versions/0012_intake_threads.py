"""intake: a task filed from a message keeps its thread; a department may have an intake channel

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-21 21:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_thread", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_index("ix_task_source_thread", ["source_channel", "source_thread"], unique=False)
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("intake_channel_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_department_intake_channel_id"), ["intake_channel_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_intake_channel_id"))
        batch_op.drop_column("intake_channel_id")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_source_thread")
        batch_op.drop_column("source_thread")
