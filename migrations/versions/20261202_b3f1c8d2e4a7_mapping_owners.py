"""Column mappings belong to their owner (a learner, or a site for staff uploads); an import
remembers the day/month order its person chose.

Revision ID: b3f1c8d2e4a7
Revises: a231e424f88c
Create Date: 2026-12-02 01:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b3f1c8d2e4a7"
down_revision = "a231e424f88c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("column_mappings") as batch_op:
        batch_op.add_column(sa.Column("owner", sa.String(length=40), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("owner_learner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("owner_site_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_column_mappings_owner_learner_id_users"), "users",
                                    ["owner_learner_id"], ["id"])
        batch_op.create_foreign_key(op.f("fk_column_mappings_owner_site_id_sites"), "sites",
                                    ["owner_site_id"], ["id"])
        batch_op.drop_constraint("uq_column_mappings_signature", type_="unique")
    # A mapping from before owners belonged to nobody: it is offered to nobody (each person
    # maps their file once more), so no one's mapping is applied to someone else's file.
    mappings = sa.table("column_mappings", sa.column("id", sa.Integer),
                        sa.column("owner", sa.String))
    op.execute(mappings.update().values(owner=sa.literal("legacy:") + sa.cast(
        mappings.c.id, sa.String)))
    with op.batch_alter_table("column_mappings") as batch_op:
        batch_op.create_unique_constraint(op.f("uq_column_mappings_signature"),
                                          ["signature", "owner"])
        batch_op.alter_column("owner", server_default=None)
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.add_column(sa.Column("date_order", sa.String(length=3), nullable=True))


def downgrade():
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.drop_column("date_order")
    op.execute(sa.text("DELETE FROM column_mappings WHERE id NOT IN "
                       "(SELECT min(id) FROM column_mappings GROUP BY signature)"))
    with op.batch_alter_table("column_mappings") as batch_op:
        batch_op.drop_constraint("uq_column_mappings_signature", type_="unique")
        batch_op.create_unique_constraint("uq_column_mappings_signature", ["signature"])
        batch_op.drop_constraint("fk_column_mappings_owner_site_id_sites", type_="foreignkey")
        batch_op.drop_constraint("fk_column_mappings_owner_learner_id_users",
                                 type_="foreignkey")
        batch_op.drop_column("owner_site_id")
        batch_op.drop_column("owner_learner_id")
        batch_op.drop_column("owner")
