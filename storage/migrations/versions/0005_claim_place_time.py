"""claim place id, time qualifier and their scopes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.add_column(sa.Column('place_scope', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.add_column(sa.Column('time', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('time_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('time_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('time_scope', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_column('time_scope')
        batch_op.drop_column('time_end')
        batch_op.drop_column('time_start')
        batch_op.drop_column('time')
        batch_op.drop_column('place_scope')
        batch_op.drop_column('place_id')
