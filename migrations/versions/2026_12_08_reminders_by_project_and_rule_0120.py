"""a project's open reminders of a rule read from an index: (project_id, rule,
resolved_at) replaces the index on project_id, which it covers

Revision ID: 0120
Revises: 0110
Create Date: 2026-12-08 04:15:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0120"
down_revision: str | None = "0110"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_reminder_project_rule_open", "reminder", ["project_id", "rule", "resolved_at"]
    )
    op.drop_index("ix_reminder_project_id", table_name="reminder")


def downgrade() -> None:
    op.create_index("ix_reminder_project_id", "reminder", ["project_id"])
    op.drop_index("ix_reminder_project_rule_open", table_name="reminder")
