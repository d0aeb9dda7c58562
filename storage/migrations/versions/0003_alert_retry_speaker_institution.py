"""alert retry time, speaker institution

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 05:31:34.287880
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('speaker_institution', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_column('speaker_institution')

    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')

