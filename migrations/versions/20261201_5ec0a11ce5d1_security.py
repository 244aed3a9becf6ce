"""Security (issue 11): known browsers, reset records, one-time reveals, accounts audit trail.

Revision ID: 5ec0a11ce5d1
Revises: ef8add7f63fa
Create Date: 2026-12-01 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "5ec0a11ce5d1"
down_revision = "ef8add7f63fa"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "known_devices",
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_known_devices_user_id_users")),
        sa.PrimaryKeyConstraint("device_hash", "user_id", name=op.f("pk_known_devices")),
    )
    op.create_table(
        "reveals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["viewer_id"], ["users.id"], name=op.f("fk_reveals_viewer_id_users")),
        sa.ForeignKeyConstraint(["subject_id"], ["users.id"],
                                name=op.f("fk_reveals_subject_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reveals")),
    )
    with op.batch_alter_table("reveals") as batch_op:
        batch_op.create_index(batch_op.f("ix_reveals_viewer_id"), ["viewer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reveals_created_at"), ["created_at"], unique=False)
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_account_events_actor_id_users")),
        sa.ForeignKeyConstraint(["subject_id"], ["users.id"],
                                name=op.f("fk_account_events_subject_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_events")),
    )
    with op.batch_alter_table("account_events") as batch_op:
        batch_op.create_index(batch_op.f("ix_account_events_subject_id"), ["subject_id"],
                              unique=False)
    with op.batch_alter_table("reset_codes") as batch_op:
        batch_op.add_column(sa.Column("redeemed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("previous_hash", sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column("hold_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("notified_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("dismissed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("reset_codes") as batch_op:
        batch_op.drop_column("dismissed_at")
        batch_op.drop_column("notified_at")
        batch_op.drop_column("hold_until")
        batch_op.drop_column("previous_hash")
        batch_op.drop_column("redeemed_at")
    with op.batch_alter_table("account_events") as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_events_subject_id"))
    op.drop_table("account_events")
    with op.batch_alter_table("reveals") as batch_op:
        batch_op.drop_index(batch_op.f("ix_reveals_created_at"))
        batch_op.drop_index(batch_op.f("ix_reveals_viewer_id"))
    op.drop_table("reveals")
    op.drop_table("known_devices")
