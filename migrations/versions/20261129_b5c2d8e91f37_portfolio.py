"""portfolio: items, public page settings, readiness marks, proposals with versions and comments

Revision ID: b5c2d8e91f37
Revises: 4df4724039cc
Create Date: 2026-11-29 02:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b5c2d8e91f37'
down_revision = '4df4724039cc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('portfolio_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('client_need', sa.Text(), nullable=False),
    sa.Column('what_i_did', sa.Text(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('sample_text', sa.Text(), nullable=True),
    sa.Column('file_key', sa.String(length=120), nullable=True),
    sa.Column('file_kind', sa.String(length=8), nullable=True),
    sa.Column('file_name', sa.String(length=120), nullable=True),
    sa.Column('visibility', sa.String(length=8), nullable=False),
    sa.Column('from_submission_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_portfolio_items_learner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolio_items')),
    sa.UniqueConstraint('learner_id', 'from_submission_id', name=op.f('uq_portfolio_items_learner_id'))
    )
    with op.batch_alter_table('portfolio_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portfolio_items_learner_id'), ['learner_id'], unique=False)

    op.create_table('portfolio_profiles',
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=True),
    sa.Column('shown_name', sa.String(length=80), nullable=False),
    sa.Column('headline', sa.String(length=200), nullable=False),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_portfolio_profiles_learner_id_users')),
    sa.PrimaryKeyConstraint('learner_id', name=op.f('pk_portfolio_profiles')),
    sa.UniqueConstraint('token', name=op.f('uq_portfolio_profiles_token'))
    )
    op.create_table('readiness_marks',
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('ticked_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_readiness_marks_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_readiness_marks_learner_id_users')),
    sa.PrimaryKeyConstraint('learner_id', 'step', name=op.f('pk_readiness_marks'))
    )
    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=False),
    sa.Column('client_description', sa.Text(), nullable=False),
    sa.Column('budget_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('budget_currency', sa.String(length=3), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_proposals_learner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_status'), ['status'], unique=False)

    op.create_table('proposal_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_versions_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_versions')),
    sa.UniqueConstraint('proposal_id', 'number', name=op.f('uq_proposal_versions_proposal_id'))
    )
    with op.batch_alter_table('proposal_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_versions_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposal_comments_author_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_comments_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_comments'))
    )
    with op.batch_alter_table('proposal_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_comments_proposal_id'), ['proposal_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proposal_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_comments_proposal_id'))
    op.drop_table('proposal_comments')
    with op.batch_alter_table('proposal_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_versions_proposal_id'))
    op.drop_table('proposal_versions')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_status'))
        batch_op.drop_index(batch_op.f('ix_proposals_learner_id'))
    op.drop_table('proposals')
    op.drop_table('readiness_marks')
    op.drop_table('portfolio_profiles')
    with op.batch_alter_table('portfolio_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portfolio_items_learner_id'))
    op.drop_table('portfolio_items')
