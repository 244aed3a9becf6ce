"""The change log behind kept outcome figures: one row per transaction that wrote their data.

Revision ID: 7c4e1a9b3d52
Revises: 4c7e1a9b3d52
Create Date: 2026-12-01 06:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "7c4e1a9b3d52"
down_revision = "4c7e1a9b3d52"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outcome_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table", sa.String(length=40), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_changes")),
    )


def downgrade():
    op.drop_table("outcome_changes")
