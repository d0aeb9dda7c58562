"""source_state health_problem

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 10:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('source_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('health_problem', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('health_checked_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('source_state', schema=None) as batch_op:
        batch_op.drop_column('health_checked_at')
        batch_op.drop_column('health_problem')
