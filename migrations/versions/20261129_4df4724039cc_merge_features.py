"""merge features

Revision ID: 4df4724039cc
Revises: e491bceccdb1, e4d7e8447112, f160660df096
Create Date: 2026-11-29 02:26:53.114368

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4df4724039cc'
down_revision = ('e491bceccdb1', 'e4d7e8447112', 'f160660df096')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
