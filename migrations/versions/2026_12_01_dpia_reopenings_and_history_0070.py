"""DPIA: every reason for a reopening kept with its time, and the history of advice,
reopenings and sign-offs

Revision ID: 0070
Revises: 0022
Create Date: 2026-12-01 20:30:00.000000
"""

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0070"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


@contextmanager
def _quiet_reflection() -> Iterator[None]:
    """SQLite's batch mode rebuilds dpia_record by reflection, which reaches the project
    table it refers to; SQLAlchemy cannot reflect that table's expression index and says
    so. The index is not part of what is rebuilt here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        yield


def upgrade() -> None:
    op.create_table(
        "dpia_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dpia_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_pseudonym", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("residual_risk", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["dpia_id"],
            ["dpia_record.id"],
            name=op.f("fk_dpia_history_dpia_id_dpia_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpia_history")),
    )
    with op.batch_alter_table("dpia_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dpia_history_dpia_id"), ["dpia_id"], unique=False)

    with _quiet_reflection(), op.batch_alter_table("dpia_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("reopened_reasons", sa.JSON(), nullable=False, server_default="[]")
        )
    # What was known before: the advice and sign-off as they stand, and the one reason
    # kept for a reopening (its time unknown, so counted from now: advice given before
    # the upgrade does not count for the next sign-off).
    op.execute(
        "INSERT INTO dpia_history (dpia_id, kind, at, detail, residual_risk) "
        "SELECT id, 'advice', dpo_advice_at, dpo_advice, residual_risk FROM dpia_record "
        "WHERE dpo_advice IS NOT NULL AND dpo_advice_at IS NOT NULL"
    )
    op.execute(
        "INSERT INTO dpia_history (dpia_id, kind, at, by_pseudonym, detail) "
        "SELECT id, 'signed_off', signed_off_at, signed_off_by_pseudonym, 'Signed off' "
        "FROM dpia_record WHERE signed_off_at IS NOT NULL"
    )
    dpia = sa.table(
        "dpia_record",
        sa.column("id", sa.Integer()),
        sa.column("reopened_because", sa.Text()),
        sa.column("reopened_at", sa.DateTime(timezone=True)),
        sa.column("reopened_reasons", sa.JSON()),
    )
    connection = op.get_bind()
    reopened = connection.execute(
        sa.select(dpia.c.id, dpia.c.reopened_because).where(dpia.c.reopened_because.is_not(None))
    ).all()
    for dpia_id, reason in reopened:
        connection.execute(
            dpia.update()
            .where(dpia.c.id == dpia_id)
            .values(reopened_reasons=[reason], reopened_at=sa.func.current_timestamp())
        )
    with _quiet_reflection(), op.batch_alter_table("dpia_record", schema=None) as batch_op:
        batch_op.drop_column("reopened_because")
        batch_op.alter_column("reopened_reasons", server_default=None)


def downgrade() -> None:
    with _quiet_reflection(), op.batch_alter_table("dpia_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reopened_because", sa.Text(), nullable=True))
    dpia = sa.table(
        "dpia_record",
        sa.column("id", sa.Integer()),
        sa.column("reopened_because", sa.Text()),
        sa.column("reopened_reasons", sa.JSON()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(dpia.c.id, dpia.c.reopened_reasons)).all()
    for dpia_id, reasons in rows:
        if reasons:
            connection.execute(
                dpia.update()
                .where(dpia.c.id == dpia_id)
                .values(reopened_because="; ".join(reasons))
            )
    with _quiet_reflection(), op.batch_alter_table("dpia_record", schema=None) as batch_op:
        batch_op.drop_column("reopened_reasons")
        batch_op.drop_column("reopened_at")
    with op.batch_alter_table("dpia_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dpia_history_dpia_id"))
    op.drop_table("dpia_history")
