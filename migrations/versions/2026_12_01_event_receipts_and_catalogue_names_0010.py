"""event receipts, catalogue event names, and each KPI's latest measurement day

Revision ID: 0010
Revises: 0032
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The event types as the catalogue (app/outbox/event_types.toml) names them.
RENAMED = {
    "project.stage_changed": "project.stage.changed",
    "gate.submitted": "gate.review.opened",
    "gate.decided": "gate.decision.taken",
}


def upgrade() -> None:
    op.create_table(
        "event_receipt",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("consumer", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("consumed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outbox_event.id"],
            name=op.f("fk_event_receipt_event_id_outbox_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "consumer", name=op.f("pk_event_receipt")),
    )
    events = sa.table("outbox_event", sa.column("event_type", sa.String))
    for old, new in RENAMED.items():
        op.execute(events.update().where(events.c.event_type == old).values(event_type=new))

    with op.batch_alter_table("kpi") as batch:
        batch.add_column(sa.Column("last_measured_on", sa.Date(), nullable=True))
        batch.create_index(op.f("ix_kpi_last_measured_on"), ["last_measured_on"], unique=False)
    op.execute(
        "UPDATE kpi SET last_measured_on ="
        " (SELECT max(measured_on) FROM kpi_measurement WHERE kpi_measurement.kpi_id = kpi.id)"
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch rebuild reflects the project
    # table the KPIs refer to, whose expression index SQLite cannot reflect.
    op.drop_index(op.f("ix_kpi_last_measured_on"), table_name="kpi")
    op.execute("ALTER TABLE kpi DROP COLUMN last_measured_on")
    events = sa.table("outbox_event", sa.column("event_type", sa.String))
    for old, new in RENAMED.items():
        op.execute(events.update().where(events.c.event_type == new).values(event_type=old))
    op.drop_table("event_receipt")
