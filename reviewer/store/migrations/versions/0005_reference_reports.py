"""reference_reports: last year's published reports per unit, for the cross-year checks (issue 16)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reference_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=500), nullable=False),
    sa.Column('agency', sa.String(length=200), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('submission_id', sa.String(length=32), nullable=True),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.ForeignKeyConstraint(['blob_sha256'], ['blobs.sha256'], ),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'year', name='uq_reference_unit_year')
    )
    op.create_index(op.f('ix_reference_reports_tenant_id'), 'reference_reports', ['tenant_id'], unique=False)
    op.create_index(op.f('ix_reference_reports_unit_id'), 'reference_reports', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_reference_reports_unit_id'), table_name='reference_reports')
    op.drop_index(op.f('ix_reference_reports_tenant_id'), table_name='reference_reports')
    op.drop_table('reference_reports')
