"""portfolio counts: stays, decisions, matrix cells, stage entries, term frequencies

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 00:40:00.000000
"""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DAY_SECONDS = 86_400


def upgrade() -> None:
    stay_tally = op.create_table(
        "stay_tally",
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("stays", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("stage", "days", name=op.f("pk_stay_tally")),
    )
    decision_tally = op.create_table(
        "decision_tally",
        sa.Column("gate", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("decisions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("gate", "decision", "days", name=op.f("pk_decision_tally")),
    )
    matrix_cell = op.create_table(
        "matrix_cell",
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("theme_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("projects", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], name=op.f("fk_matrix_cell_city_id_city")),
        sa.PrimaryKeyConstraint("city_id", "theme_code", "stage", name=op.f("pk_matrix_cell")),
    )
    stage_entry = op.create_table(
        "stage_entry",
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("projects", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("stage", "entered_on", name=op.f("pk_stage_entry")),
    )
    op.create_table(
        "term_frequency",
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("projects", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_term_frequency")),
    )
    with op.batch_alter_table("project_term", schema=None) as batch_op:
        batch_op.create_index("ix_project_term_term_weight", ["term", "weight"], unique=False)
    op.execute(
        "INSERT INTO term_frequency (term, projects)"
        " SELECT term, count(*) FROM project_term GROUP BY term"
    )
    # Count what is already there: every stay that a later move ended, every decided
    # review, every project by city, theme and stage and by the day it entered its stage.
    connection = op.get_bind()
    cells = connection.execute(
        sa.text(
            "SELECT p.city_id, t.theme_code, p.stage, count(*) FROM project p"
            " JOIN project_theme t ON t.project_id = p.id GROUP BY p.city_id, t.theme_code, p.stage"
        )
    ).all()
    if cells:
        op.bulk_insert(
            matrix_cell,
            [{"city_id": c, "theme_code": t, "stage": s, "projects": n} for c, t, s, n in cells],
        )
    entries: Counter[tuple[str, date]] = Counter()
    for stage, entered_at in connection.execute(
        sa.text("SELECT stage, stage_entered_at FROM project")
    ):
        entries[(stage, _utc(entered_at).date())] += 1
    if entries:
        op.bulk_insert(
            stage_entry,
            [{"stage": s, "entered_on": d, "projects": n} for (s, d), n in entries.items()],
        )
    stays: Counter[tuple[str, int]] = Counter()
    previous: tuple[int, str, datetime] | None = None
    for project_id, stage, occurred_at in connection.execute(
        sa.text(
            "SELECT project_id, to_stage, occurred_at FROM stage_history ORDER BY project_id, id"
        )
    ):
        if previous is not None and previous[0] == project_id:
            stays[(previous[1], _days(previous[2], occurred_at))] += 1
        previous = (project_id, stage, occurred_at)
    if stays:
        op.bulk_insert(
            stay_tally,
            [{"stage": s, "days": d, "stays": n} for (s, d), n in stays.items()],
        )
    decisions: Counter[tuple[str, str, int]] = Counter()
    for gate, decision, submitted_at, decided_at in connection.execute(
        sa.text(
            "SELECT gate, decision, submitted_at, decided_at FROM gate_review "
            "WHERE decided_at IS NOT NULL AND decision IS NOT NULL"
        )
    ):
        decisions[(gate, decision, _days(submitted_at, decided_at))] += 1
    if decisions:
        op.bulk_insert(
            decision_tally,
            [
                {"gate": g, "decision": c, "days": d, "decisions": n}
                for (g, c, d), n in decisions.items()
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("project_term", schema=None) as batch_op:
        batch_op.drop_index("ix_project_term_term_weight")
    op.drop_table("term_frequency")
    op.drop_table("stage_entry")
    op.drop_table("matrix_cell")
    op.drop_table("decision_tally")
    op.drop_table("stay_tally")


def _days(start: datetime | str, end: datetime | str) -> int:
    return max(0, int((_utc(end) - _utc(start)).total_seconds() // DAY_SECONDS))


def _utc(value: datetime | str) -> datetime:
    # SQLite hands text back through a plain SQL query.
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
