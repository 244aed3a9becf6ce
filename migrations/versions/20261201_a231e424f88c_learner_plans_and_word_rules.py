"""A late joiner's own plan (the day their week 1 begins) and an assignment's length rule.

Revision ID: a231e424f88c
Revises: 5ec0a11ce5d1
Create Date: 2026-12-01 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "a231e424f88c"
down_revision = "5ec0a11ce5d1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("learner_profiles") as batch_op:
        batch_op.add_column(sa.Column("plan_start", sa.Date(), nullable=True))
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.add_column(sa.Column("min_words", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_words", sa.Integer(), nullable=True))
    # Word counts were checked against an unwritten 50-word minimum: it becomes the rule of the
    # assignments that ask for the check (curriculum ones get theirs at the next sync).
    assignments = sa.table("assignments", sa.column("checks", sa.JSON),
                           sa.column("min_words", sa.Integer))
    op.execute(assignments.update()
               .where(sa.cast(assignments.c.checks, sa.Text).like('%"word_count"%'))
               .values(min_words=50))


def downgrade():
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.drop_column("max_words")
        batch_op.drop_column("min_words")
    with op.batch_alter_table("learner_profiles") as batch_op:
        batch_op.drop_column("plan_start")
