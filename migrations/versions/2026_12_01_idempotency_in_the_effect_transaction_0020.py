"""idempotency: responses stored with their change, linked to the people they speak of

Revision ID: 0020
Revises: 0009
Create Date: 2026-12-01 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Keys claimed by a request that never finished: nothing was stored with them.
    op.execute("DELETE FROM idempotency_record WHERE status_code IS NULL")
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.alter_column("status_code", existing_type=sa.Integer(), nullable=False)
    op.create_table(
        "idempotency_subject",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["idempotency_record.id"],
            name=op.f("fk_idempotency_subject_record_id_idempotency_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "person_id", name=op.f("pk_idempotency_subject")),
    )
    with op.batch_alter_table("idempotency_subject", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_subject_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotency_subject", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_subject_person_id"))
    op.drop_table("idempotency_subject")
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.alter_column("status_code", existing_type=sa.Integer(), nullable=True)
