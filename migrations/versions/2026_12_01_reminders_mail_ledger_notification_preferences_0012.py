"""reminders, the mail ledger, notification preferences and the scheduler lease

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 20:32:58.145937
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduler_lease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_lease")),
    )
    op.create_table(
        "sweep_run",
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("due", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.Column("notices", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("rule", name=op.f("pk_sweep_run")),
    )
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_mail_message_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_mail_message_dedupe_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mail_message_message_id")),
    )
    with op.batch_alter_table("mail_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_message_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            "ix_mail_message_status_created_at", ["status", "created_at"], unique=False
        )

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("escalation", sa.Boolean(), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("base_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_notice_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notices", sa.Integer(), nullable=False),
        sa.Column("last_notice_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_reminder_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_reminder_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint(
            "rule",
            "subject_type",
            "subject_id",
            "person_id",
            "escalation",
            "base_at",
            name="uq_reminder_key",
        ),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_next_notice_at"), ["next_notice_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reminder_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_project_id"), ["project_id"], unique=False)
        batch_op.create_index("ix_reminder_rule_open", ["rule", "resolved_at"], unique=False)

    op.create_table(
        "mail_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("skipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["mail_message.id"],
            name=op.f("fk_mail_item_message_id_mail_message"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_mail_item_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminder.id"],
            name=op.f("fk_mail_item_reminder_id_reminder"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_item")),
        sa.UniqueConstraint("reminder_id", "occurrence", name="uq_mail_item_reminder_occurrence"),
    )
    with op.batch_alter_table("mail_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_item_message_id"), ["message_id"], unique=False)
        batch_op.create_index(
            "ix_mail_item_person_pending", ["person_id", "message_id"], unique=False
        )

    with op.batch_alter_table("dpia_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dpia_record_review_due"), ["review_due"], unique=False)

    with op.batch_alter_table("gate_condition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overdue_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_gate_condition_due_on"), ["due_on"], unique=False)

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "language",
                sqlmodel.sql.sqltypes.AutoString(length=5),
                nullable=False,
                server_default="nl",
            )
        )
        batch_op.add_column(
            sa.Column(
                "digest_frequency",
                sqlmodel.sql.sqltypes.AutoString(length=10),
                nullable=False,
                server_default="daily",
            )
        )
        batch_op.add_column(
            sa.Column("opted_out", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch rebuild reflects the tables these
    # refer to, and SQLite cannot reflect the project table's expression index.
    for column in ("opted_out", "digest_frequency", "language"):
        op.execute(f"ALTER TABLE person DROP COLUMN {column}")
    op.drop_index(op.f("ix_gate_condition_due_on"), table_name="gate_condition")
    op.execute("ALTER TABLE gate_condition DROP COLUMN overdue_since")

    with op.batch_alter_table("dpia_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dpia_record_review_due"))

    with op.batch_alter_table("mail_item", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_item_person_pending")
        batch_op.drop_index(batch_op.f("ix_mail_item_message_id"))

    op.drop_table("mail_item")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_rule_open")
        batch_op.drop_index(batch_op.f("ix_reminder_project_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_person_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_next_notice_at"))

    op.drop_table("reminder")
    with op.batch_alter_table("mail_message", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_message_status_created_at")
        batch_op.drop_index(batch_op.f("ix_mail_message_person_id"))

    op.drop_table("mail_message")
    op.drop_table("sweep_run")
    op.drop_table("scheduler_lease")
