"""stand-up replies: each message a participant wrote in the day's thread, so edits and deletions count

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 20:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "standupreply",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("written_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["standuprun.id"]),
        sa.PrimaryKeyConstraint("run_id", "message_id"),
    )
    with op.batch_alter_table("standupreply", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_standupreply_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("standupreply", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standupreply_user_id"))
    op.drop_table("standupreply")
