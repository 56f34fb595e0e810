"""condition waivers: the board may waive a condition of a Go, with a reason

Revision ID: 0030
Revises: 0070
Create Date: 2026-12-01 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0030"
down_revision: str | None = "0070"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("gate_condition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waived_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("waiver_reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "waived_by_pseudonym", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
            )
        )


def downgrade() -> None:
    # Not reflecting the tables it refers to keeps SQLite's rebuild off the project table
    # and its expression index, which reflection cannot read.
    with op.batch_alter_table(
        "gate_condition", schema=None, reflect_kwargs={"resolve_fks": False}
    ) as batch_op:
        batch_op.drop_column("waived_by_pseudonym")
        batch_op.drop_column("waiver_reason")
        batch_op.drop_column("waived_at")
