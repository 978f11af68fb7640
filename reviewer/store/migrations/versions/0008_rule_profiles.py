"""rule_profiles: a tenant's rule profile — select, ignore, re-grade rules (issue 14)

Revision ID: 0008
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rule_profiles',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('select', sa.JSON(), nullable=False),
    sa.Column('ignore', sa.JSON(), nullable=False),
    sa.Column('severity', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id')
    )


def downgrade() -> None:
    op.drop_table('rule_profiles')
