"""platform ids: every person, chat and message id column widened to 64 characters

Feishu's ids are longer than Slack's (open_id `ou_…` and message id `om_…` are 35 characters) and Baton
stores them with a platform prefix (`fs:`), so the columns that hold a person's, a channel's or a
message's id grow from 32 to 64. Batch mode lets SQLite copy the tables; PostgreSQL alters in place.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> [(column, nullable)]
COLUMNS: dict[str, list[tuple[str, bool]]] = {
    "department": [("lead_id", False), ("channel_id", True)],
    "member": [("user_id", False)],
    "task": [
        ("requester_id", False),
        ("owner_id", False),
        ("accountable_id", False),
        ("source_channel", True),
    ],
    "taskwatcher": [("user_id", False)],
    "taskevent": [("actor_id", False)],
    "taskmessage": [("channel", False), ("ts", False)],
    "outboxmessage": [("recipient", False), ("actor_id", True), ("sent_channel", True), ("sent_ts", True)],
    "standup": [("channel_id", False), ("created_by", False)],
    "standupparticipant": [("user_id", False)],
    "standuprun": [("thread_ts", True)],
    "standupanswer": [("user_id", False), ("unblock_user", True), ("posted_ts", True)],
    "standupreply": [("user_id", False)],
    "digestschedule": [("user_id", False)],
}


def _resize(before: int, after: int) -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, nullable in columns:
                batch_op.alter_column(
                    column,
                    existing_type=sa.String(length=before),
                    type_=sa.String(length=after),
                    existing_nullable=nullable,
                )


def upgrade() -> None:
    _resize(32, 64)


def downgrade() -> None:
    _resize(64, 32)  # fails on PostgreSQL while a longer (Feishu) id is stored: by design, nothing is cut
