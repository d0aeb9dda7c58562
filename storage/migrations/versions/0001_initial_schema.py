"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 05:09:01.118726
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('fetched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('duplicate_of', sa.Integer(), nullable=True),
    sa.Column('detected_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['duplicate_of'], ['article.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url')
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_detected_at'), ['detected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_fingerprint'), ['fingerprint'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_source_id'), ['source_id'], unique=False)

    op.create_table('source_state',
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('last_run_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('source_id')
    )
    op.create_table('mention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('surface', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('article_id', 'entity', 'start')
    )
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mention_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mention_entity'), ['entity'], unique=False)

    op.create_table('statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('speaker_name', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('speaker_surface', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('speaker_role', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('said_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('article_id', 'start')
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_speaker_id'), ['speaker_id'], unique=False)

    op.create_table('claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('predicate', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('object', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('polarity', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('proposition', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('statement_id', 'proposition')
    )
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_proposition'), ['proposition'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_statement_id'), ['statement_id'], unique=False)

    op.create_table('conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pair_key', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('proposition', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('other_statement_id', sa.Integer(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('detected_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('dismissed_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['other_statement_id'], ['statement.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pair_key')
    )
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_proposition'), ['proposition'], unique=False)

    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conflict_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('historical', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['conflict_id'], ['conflict.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conflict_id', 'recipient')
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_conflict_id'), ['conflict_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_sent_at'), ['sent_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_sent_at'))
        batch_op.drop_index(batch_op.f('ix_alert_conflict_id'))

    op.drop_table('alert')
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_proposition'))

    op.drop_table('conflict')
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_statement_id'))
        batch_op.drop_index(batch_op.f('ix_claim_proposition'))

    op.drop_table('claim')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_speaker_id'))
        batch_op.drop_index(batch_op.f('ix_statement_article_id'))

    op.drop_table('statement')
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mention_entity'))
        batch_op.drop_index(batch_op.f('ix_mention_article_id'))

    op.drop_table('mention')
    op.drop_table('source_state')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_source_id'))
        batch_op.drop_index(batch_op.f('ix_article_published_at'))
        batch_op.drop_index(batch_op.f('ix_article_fingerprint'))
        batch_op.drop_index(batch_op.f('ix_article_detected_at'))

    op.drop_table('article')
