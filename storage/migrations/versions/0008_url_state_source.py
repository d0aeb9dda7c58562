"""url_state source_id

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 10:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('url_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_url_state_source_id'), ['source_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('url_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_url_state_source_id'))
        batch_op.drop_column('source_id')
