"""url state, backfill checkpoints, support, republished statements

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 05:24:48.682456
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('backfill_chunk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('discovered', sa.Integer(), nullable=False),
    sa.Column('stored', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'day')
    )
    with op.batch_alter_table('backfill_chunk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backfill_chunk_source_id'), ['source_id'], unique=False)

    op.create_table('url_state',
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
    sa.Column('etag', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('last_modified', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('permanent_failure', sa.Boolean(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('checked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('url')
    )
    op.create_table('support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pair_key', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('proposition', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('other_statement_id', sa.Integer(), nullable=False),
    sa.Column('detected_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['other_statement_id'], ['statement.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pair_key')
    )
    with op.batch_alter_table('support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_proposition'), ['proposition'], unique=False)

    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dismissed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('republished_of', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_statement_fingerprint'), ['fingerprint'], unique=False)
        batch_op.create_foreign_key('fk_statement_republished_of', 'statement', ['republished_of'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_constraint('fk_statement_republished_of', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_statement_fingerprint'))
        batch_op.drop_column('republished_of')
        batch_op.drop_column('fingerprint')

    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.drop_column('dismissed_at')

    with op.batch_alter_table('support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_proposition'))

    op.drop_table('support')
    op.drop_table('url_state')
    with op.batch_alter_table('backfill_chunk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backfill_chunk_source_id'))

    op.drop_table('backfill_chunk')
