"""index on the lower-cased solution type

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 01:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_project_solution_type_lower", "project", [sa.func.lower(sa.text("solution_type"))]
    )


def downgrade() -> None:
    op.drop_index("ix_project_solution_type_lower", table_name="project")
