"""Course content in the learners' languages: module languages and times, lesson drawings per
language, assignment translations.

Revision ID: 4c7e1a9b3d52
Revises: d8b4f2a6c1e9
Create Date: 2026-12-01 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "4c7e1a9b3d52"
down_revision = "d8b4f2a6c1e9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("curriculum_modules") as batch_op:
        batch_op.add_column(sa.Column("lesson_hours", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("practice_hours", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("languages", sa.JSON(), nullable=False,
                                      server_default='["en"]'))
    with op.batch_alter_table("curriculum_modules") as batch_op:
        batch_op.alter_column("lesson_hours", server_default=None)
        batch_op.alter_column("practice_hours", server_default=None)
        batch_op.alter_column("languages", server_default=None)
    with op.batch_alter_table("curriculum_lessons") as batch_op:
        batch_op.add_column(sa.Column("languages", sa.JSON(), nullable=False,
                                      server_default='["en"]'))
    with op.batch_alter_table("curriculum_lessons") as batch_op:
        batch_op.alter_column("languages", server_default=None)
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.add_column(sa.Column("texts", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.alter_column("texts", server_default=None)
    op.create_table(
        "curriculum_pictures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("svg", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["curriculum_modules.id"],
                                name=op.f("fk_curriculum_pictures_module_id_curriculum_modules")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curriculum_pictures")),
        sa.UniqueConstraint("module_id", "name", "lang",
                            name=op.f("uq_curriculum_pictures_module_id")),
    )


def downgrade():
    op.drop_table("curriculum_pictures")
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.drop_column("texts")
    with op.batch_alter_table("curriculum_lessons") as batch_op:
        batch_op.drop_column("languages")
    with op.batch_alter_table("curriculum_modules") as batch_op:
        batch_op.drop_column("languages")
        batch_op.drop_column("practice_hours")
        batch_op.drop_column("lesson_hours")
