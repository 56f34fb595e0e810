"""stage clock: each project's norm date, paused while on hold

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:30:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# norm_days of the default workflow, version 1, as published with this migration.
NORM_DAYS = {("default", 1): {"idea": 90, "pilot": 365, "evaluation": 120, "scale_up": 365}}
PARKED = "on_hold"


def upgrade() -> None:
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("norm_due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("clock_paused_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("paused_seconds", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch.create_index(op.f("ix_project_norm_due_at"), ["norm_due_at"], unique=False)
        batch.create_index(op.f("ix_project_updated_at"), ["updated_at"], unique=False)
    _start_clocks()


def _start_clocks() -> None:
    """Projects already under way: the clock runs from when they entered their stage;
    one on hold runs from when it entered the stage it was held from, stopped since."""
    connection = op.get_bind()
    projects = connection.execute(
        sa.text(
            "SELECT id, stage, held_from, stage_entered_at, workflow_name, workflow_version"
            " FROM project"
        )
    ).all()
    updates = []
    for project_id, stage, held_from, entered, name, version in projects:
        norms = NORM_DAYS.get((name, version), {})
        clock_stage = held_from if stage == PARKED else stage
        days = norms.get(clock_stage or "")
        if days is None:
            continue
        started = _moment(entered)
        if stage == PARKED:
            started = _entered(connection, project_id, clock_stage) or started
        updates.append(
            {
                "id": project_id,
                "due": started + timedelta(days=days),
                "paused": _moment(entered) if stage == PARKED else None,
            }
        )
    if updates:
        connection.execute(
            sa.text(
                "UPDATE project SET norm_due_at = :due, clock_paused_at = :paused WHERE id = :id"
            ),
            updates,
        )


def _entered(connection: sa.Connection, project_id: int, stage: str) -> datetime | None:
    found = connection.execute(
        sa.text(
            "SELECT max(occurred_at) FROM stage_history WHERE project_id = :p AND to_stage = :s"
        ),
        {"p": project_id, "s": stage},
    ).scalar()
    return _moment(found) if found is not None else None


def _moment(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch rebuild of the table would lose
    # its expression index, which SQLite cannot reflect.
    op.drop_index(op.f("ix_project_updated_at"), table_name="project")
    op.drop_index(op.f("ix_project_norm_due_at"), table_name="project")
    for column in ("paused_seconds", "clock_paused_at", "norm_due_at"):
        op.execute(f"ALTER TABLE project DROP COLUMN {column}")
