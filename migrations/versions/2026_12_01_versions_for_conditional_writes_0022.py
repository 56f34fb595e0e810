"""versions (ETags) for KPIs, checklist answers, DPIA records, gate conditions, people, tokens

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("kpi", "checklist_answer", "dpia_record", "gate_condition", "person", "api_token")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )


def downgrade() -> None:
    # SQLite drops a column in place (3.35+); a batch copy would reflect the tables these
    # refer to, expression indexes and all.
    for table in reversed(TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN version")
