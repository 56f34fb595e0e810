"""project lists read newest first from an index per filter: (city_id, created_at, id),
(stage, created_at, id) and (lower(solution_type), created_at, id) replace the indexes
on city_id, on stage and on lower(solution_type), which they cover

Revision ID: 0110
Revises: 0100
Create Date: 2026-12-07 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0110"
down_revision: str | None = "0100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_project_city_newest", "project", ["city_id", "created_at", "id"])
    op.create_index("ix_project_stage_newest", "project", ["stage", "created_at", "id"])
    op.create_index(
        "ix_project_solution_type_lower_newest",
        "project",
        [sa.func.lower(sa.text("solution_type")), "created_at", "id"],
    )
    op.drop_index("ix_project_city_id", table_name="project")
    op.drop_index("ix_project_stage", table_name="project")
    op.drop_index("ix_project_solution_type_lower", table_name="project")


def downgrade() -> None:
    op.create_index(
        "ix_project_solution_type_lower", "project", [sa.func.lower(sa.text("solution_type"))]
    )
    op.create_index("ix_project_stage", "project", ["stage"])
    op.create_index("ix_project_city_id", "project", ["city_id"])
    op.drop_index("ix_project_solution_type_lower_newest", table_name="project")
    op.drop_index("ix_project_stage_newest", table_name="project")
    op.drop_index("ix_project_city_newest", table_name="project")
