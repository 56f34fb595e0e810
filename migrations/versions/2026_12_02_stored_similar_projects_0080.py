"""each project's closest similar projects, stored for readiness and the project pages

Revision ID: 0080
Revises: 0050
Create Date: 2026-12-02 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0080"
down_revision: str | None = "0050"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Starts empty: the beat sweep (or `citygate reindex`) stores each project's list;
    # until then readiness searches live.
    op.create_table(
        "stored_similar",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("matches", sa.JSON(), nullable=False),
        sa.Column("texts_digest", sa.String(length=64), nullable=False),
        sa.Column("project_version", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_stored_similar_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_stored_similar")),
    )
    op.create_index(
        op.f("ix_stored_similar_computed_at"), "stored_similar", ["computed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_stored_similar_computed_at"), table_name="stored_similar")
    op.drop_table("stored_similar")
