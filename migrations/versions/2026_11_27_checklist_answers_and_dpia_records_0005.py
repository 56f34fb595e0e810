"""checklist answers and DPIA records

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 22:45:10.479863
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checklist_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("checklist", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("item_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("item_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column(
            "answered_by_pseudonym", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review_state", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("action_plan", sa.Text(), nullable=True),
        sa.Column("action_due", sa.Date(), nullable=True),
        sa.Column(
            "reviewed_by_pseudonym", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_checklist_answer_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_answer")),
        sa.UniqueConstraint(
            "project_id", "checklist", "item_id", name="uq_checklist_answer_project_item"
        ),
    )
    with op.batch_alter_table("checklist_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_answer_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "dpia_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("dpo_advice", sa.Text(), nullable=True),
        sa.Column("dpo_advice_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("residual_risk", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("prior_consultation_on", sa.Date(), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "signed_off_by_pseudonym", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("screened_at_sign_off", sa.JSON(), nullable=False),
        sa.Column("reopened_because", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_dpia_record_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpia_record")),
        sa.UniqueConstraint("project_id", name=op.f("uq_dpia_record_project_id")),
    )


def downgrade() -> None:
    op.drop_table("dpia_record")
    with op.batch_alter_table("checklist_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_answer_project_id"))

    op.drop_table("checklist_answer")
