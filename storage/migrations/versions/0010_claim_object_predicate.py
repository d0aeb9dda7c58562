"""claim index on (object, predicate)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 01:45:00
"""

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_claim_object_predicate', 'claim', ['object', 'predicate'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_claim_object_predicate', table_name='claim')
