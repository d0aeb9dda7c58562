"""article encoding_suspect

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('article', schema=None) as batch_op:
        # A constant default lets SQLite add the column in place instead of copying the table.
        batch_op.add_column(sa.Column('encoding_suspect', sa.Boolean(), server_default='0',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_column('encoding_suspect')
