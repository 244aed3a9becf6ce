"""earnings: entries and their audit trail, exchange rates, import batches, monthly income

Revision ID: a7e3c51d0b62
Revises: 4df4724039cc
Create Date: 2026-11-29 02:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7e3c51d0b62'
down_revision = '4df4724039cc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('file_key', sa.String(length=120), nullable=False),
    sa.Column('file_name', sa.String(length=120), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=True),
    sa.Column('default_currency', sa.String(length=3), nullable=True),
    sa.Column('mapping', sa.JSON(), nullable=True),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('skips', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_import_batches_learner_id_users')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_import_batches_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batches_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_batches_status'), ['status'], unique=False)

    op.create_table('earning_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('earned_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('client', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('hours', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('natural_key', sa.String(length=200), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_earning_entries_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_earning_entries_created_by_id_users')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_earning_entries_deleted_by_id_users')),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_earning_entries_learner_id_users')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_earning_entries_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_earning_entries')),
    sa.UniqueConstraint('learner_id', 'natural_key', name=op.f('uq_earning_entries_learner_id'))
    )
    with op.batch_alter_table('earning_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_earning_entries_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_earning_entries_learner_day', ['learner_id', 'earned_on'], unique=False)

    op.create_table('earning_entry_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('old', sa.JSON(), nullable=False),
    sa.Column('new', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_earning_entry_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['entry_id'], ['earning_entries.id'], name=op.f('fk_earning_entry_changes_entry_id_earning_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_earning_entry_changes'))
    )
    with op.batch_alter_table('earning_entry_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_earning_entry_changes_entry_id'), ['entry_id'], unique=False)

    op.create_table('exchange_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('rate_to_usd', sa.Numeric(precision=24, scale=12), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_exchange_rates_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates')),
    sa.UniqueConstraint('currency', 'month', name=op.f('uq_exchange_rates_currency'))
    )

    op.create_table('column_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('header', sa.JSON(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_column_mappings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_column_mappings')),
    sa.UniqueConstraint('signature', name=op.f('uq_column_mappings_signature'))
    )

    op.create_table('monthly_income',
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('total_usd', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_monthly_income_learner_id_users')),
    sa.PrimaryKeyConstraint('learner_id', 'month', name=op.f('pk_monthly_income'))
    )
    with op.batch_alter_table('monthly_income', schema=None) as batch_op:
        batch_op.create_index('ix_monthly_income_month', ['month'], unique=False)


def downgrade():
    op.drop_table('monthly_income')
    op.drop_table('column_mappings')
    op.drop_table('exchange_rates')
    op.drop_table('earning_entry_changes')
    op.drop_table('earning_entries')
    op.drop_table('import_batches')
