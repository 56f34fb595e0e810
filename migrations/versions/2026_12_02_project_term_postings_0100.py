"""a term's postings read from the index alone: (term, weight, project_id) replaces
the indexes on term and on (term, weight), which it covers

Revision ID: 0100
Revises: 0090
Create Date: 2026-12-02 15:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0100"
down_revision: str | None = "0090"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_project_term_postings", "project_term", ["term", "weight", "project_id"])
    op.drop_index("ix_project_term_term_weight", table_name="project_term")
    op.drop_index("ix_project_term_term", table_name="project_term")


def downgrade() -> None:
    op.create_index("ix_project_term_term", "project_term", ["term"])
    op.create_index("ix_project_term_term_weight", "project_term", ["term", "weight"])
    op.drop_index("ix_project_term_postings", table_name="project_term")
