"""gates, votes, KPIs, deliverables, outbox, idempotency, versions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 21:57:24.637228
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caller", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.JSON(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_record")),
        sa.UniqueConstraint("caller", "key", name="uq_idempotency_record_caller_key"),
    )
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_record_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "outbox_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_type", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("aggregate_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("aggregate_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_event")),
    )
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_event_event_type"), ["event_type"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_event_published_at"), ["published_at"], unique=False
        )

    op.create_table(
        "deliverable",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("document_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column(
            "added_by_pseudonym", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_deliverable_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliverable")),
    )
    with op.batch_alter_table("deliverable", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deliverable_document_type"), ["document_type"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_deliverable_project_id"), ["project_id"], unique=False)

    op.create_table(
        "gate_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("gate", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("from_stage", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("to_stage", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column(
            "submitted_by_pseudonym", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("quorum", sa.Integer(), nullable=False),
        sa.Column("majority", sa.Float(), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_gate_review_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_review")),
    )
    with op.batch_alter_table("gate_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_review_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_gate_review_status"), ["status"], unique=False)

    op.create_table(
        "kpi",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_kpi_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi")),
        sa.UniqueConstraint("project_id", "name", name="uq_kpi_project_id_name"),
    )
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_project_id"), ["project_id"], unique=False)

    op.create_table(
        "gate_condition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_gate_condition_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["gate_review.id"],
            name=op.f("fk_gate_condition_review_id_gate_review"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_condition")),
    )
    with op.batch_alter_table("gate_condition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gate_condition_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gate_condition_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "gate_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("voter_person_id", sa.Integer(), nullable=True),
        sa.Column("voter_pseudonym", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["gate_review.id"],
            name=op.f("fk_gate_vote_review_id_gate_review"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voter_person_id"],
            ["person.id"],
            name=op.f("fk_gate_vote_voter_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_vote")),
        sa.UniqueConstraint("review_id", "voter_person_id", name="uq_gate_vote_review_id_voter"),
    )
    with op.batch_alter_table("gate_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_vote_review_id"), ["review_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_gate_vote_voter_person_id"), ["voter_person_id"], unique=False
        )

    op.create_table(
        "kpi_measurement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kpi_id"], ["kpi.id"], name=op.f("fk_kpi_measurement_kpi_id_kpi"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_measurement")),
    )
    with op.batch_alter_table("kpi_measurement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_measurement_kpi_id"), ["kpi_id"], unique=False)

    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effects_within_city", sa.Boolean(), nullable=True))
        # Existing projects start at version 1.
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("effects_within_city")

    with op.batch_alter_table("kpi_measurement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_measurement_kpi_id"))

    op.drop_table("kpi_measurement")
    with op.batch_alter_table("gate_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_vote_voter_person_id"))
        batch_op.drop_index(batch_op.f("ix_gate_vote_review_id"))

    op.drop_table("gate_vote")
    with op.batch_alter_table("gate_condition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_condition_review_id"))
        batch_op.drop_index(batch_op.f("ix_gate_condition_project_id"))

    op.drop_table("gate_condition")
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_project_id"))

    op.drop_table("kpi")
    with op.batch_alter_table("gate_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_review_status"))
        batch_op.drop_index(batch_op.f("ix_gate_review_project_id"))

    op.drop_table("gate_review")
    with op.batch_alter_table("deliverable", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliverable_project_id"))
        batch_op.drop_index(batch_op.f("ix_deliverable_document_type"))

    op.drop_table("deliverable")
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_event_published_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_event_event_type"))

    op.drop_table("outbox_event")
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_record_created_at"))

    op.drop_table("idempotency_record")
