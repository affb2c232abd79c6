"""outbox: an index on (status, recipient, kind), so each sweep finds who has held reminders from the index

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22 02:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_status_recipient", ["status", "recipient", "kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_recipient")
