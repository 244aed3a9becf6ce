"""Forms kept when a session ended while they were being sent (dip/core/parked.py).

Revision ID: c3a91e5f7b20
Revises: f5d2775c70d1
Create Date: 2026-11-29 03:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c3a91e5f7b20"
down_revision = "f5d2775c70d1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "parked_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_parked_forms_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parked_forms")),
    )
    with op.batch_alter_table("parked_forms") as batch_op:
        batch_op.create_index(batch_op.f("ix_parked_forms_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("parked_forms") as batch_op:
        batch_op.drop_index(batch_op.f("ix_parked_forms_user_id"))
    op.drop_table("parked_forms")
