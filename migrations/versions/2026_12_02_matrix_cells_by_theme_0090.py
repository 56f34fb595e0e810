"""the matrix's cells found by theme and stage: the project list's total for a theme

Revision ID: 0090
Revises: 0080
Create Date: 2026-12-02 07:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0090"
down_revision: str | None = "0080"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_matrix_cell_theme_code_stage", "matrix_cell", ["theme_code", "stage"])


def downgrade() -> None:
    op.drop_index("ix_matrix_cell_theme_code_stage", table_name="matrix_cell")
