"""Signed certificates: issuer keys, each certificate's stored credential and status-list place.

Revision ID: ef8add7f63fa
Revises: 7c4e1a9b3d52
Create Date: 2026-12-01 06:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "ef8add7f63fa"
down_revision = "7c4e1a9b3d52"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "issuer_keys",
        sa.Column("kid", sa.String(length=120), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_issuer_keys")),
    )
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.add_column(sa.Column("status_list", sa.Integer(), server_default="1",
                                      nullable=False))
        batch_op.add_column(sa.Column("status_index", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("credential", sa.Text(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_certificates_status_list"), ["status_list", "status_index"])


def downgrade():
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_certificates_status_list"),
                                 type_="unique")
        batch_op.drop_column("credential")
        batch_op.drop_column("status_index")
        batch_op.drop_column("status_list")
    op.drop_table("issuer_keys")
