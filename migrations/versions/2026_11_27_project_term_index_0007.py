"""project term index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 23:24:23.000583
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project_term",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_project_term_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "term", name=op.f("pk_project_term")),
    )
    with op.batch_alter_table("project_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_term_term"), ["term"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("project_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_term_term"))

    op.drop_table("project_term")
