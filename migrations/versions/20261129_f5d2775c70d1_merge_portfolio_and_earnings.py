"""merge portfolio and earnings

Revision ID: f5d2775c70d1
Revises: a7e3c51d0b62, b5c2d8e91f37
Create Date: 2026-11-29 03:15:59.880327

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5d2775c70d1'
down_revision = ('a7e3c51d0b62', 'b5c2d8e91f37')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
