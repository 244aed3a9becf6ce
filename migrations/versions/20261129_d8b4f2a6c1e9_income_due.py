"""Learner-months whose income must be computed again (a lost job leaves them due).

Revision ID: d8b4f2a6c1e9
Revises: c3a91e5f7b20
Create Date: 2026-11-29 03:55:00
"""
import sqlalchemy as sa
from alembic import op

revision = "d8b4f2a6c1e9"
down_revision = "c3a91e5f7b20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "income_due",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["users.id"], name=op.f("fk_income_due_learner_id_users")),
        sa.PrimaryKeyConstraint("learner_id", "month", name=op.f("pk_income_due")),
    )
    with op.batch_alter_table("income_due") as batch_op:
        batch_op.create_index(batch_op.f("ix_income_due_since"), ["since"], unique=False)


def downgrade():
    with op.batch_alter_table("income_due") as batch_op:
        batch_op.drop_index(batch_op.f("ix_income_due_since"))
    op.drop_table("income_due")
