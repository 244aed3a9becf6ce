"""Exchange rates belong to a site, or (site_id NULL) to every site; existing rates stay all-site.

Revision ID: 3b9d2e71c4a8
Revises: b3f1c8d2e4a7
Create Date: 2026-12-02 01:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "3b9d2e71c4a8"
down_revision = "b3f1c8d2e4a7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exchange_rates") as batch_op:
        batch_op.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_exchange_rates_site_id_sites"), "sites",
                                    ["site_id"], ["id"])
        batch_op.drop_constraint(batch_op.f("uq_exchange_rates_currency"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_exchange_rates_site_id"),
                                          ["site_id", "currency", "month"])
    op.create_index("uq_exchange_rates_all_sites", "exchange_rates", ["currency", "month"],
                    unique=True, sqlite_where=sa.text("site_id IS NULL"),
                    postgresql_where=sa.text("site_id IS NULL"))


def downgrade():
    # Site rates cannot all be kept under one rate a month: only the all-site ones stay.
    op.execute("DELETE FROM exchange_rates WHERE site_id IS NOT NULL")
    op.drop_index("uq_exchange_rates_all_sites", table_name="exchange_rates")
    with op.batch_alter_table("exchange_rates") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_exchange_rates_site_id"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_exchange_rates_currency"),
                                          ["currency", "month"])
        batch_op.drop_constraint(batch_op.f("fk_exchange_rates_site_id_sites"),
                                 type_="foreignkey")
        batch_op.drop_column("site_id")
