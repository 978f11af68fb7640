"""reports, their versions and decisions on findings (issue 15)

Revision ID: 0003
Revises: 0002

Existing submissions keep working: the new submission columns are nullable (a draft
reviewed before this migration is simply not a version of any report).
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reports',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('report_key', sa.String(length=200), nullable=False),
    sa.Column('agency', sa.String(length=500), nullable=True),
    sa.Column('agency_key', sa.String(length=200), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.Column('status_by', sa.String(length=200), nullable=True),
    sa.Column('status_at', sa.DateTime(), nullable=True),
    sa.Column('status_review_id', sa.String(length=32), nullable=True),
    sa.Column('versions', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'report_key', name='uq_report_key')
    )
    op.create_index(op.f('ix_reports_tenant_id'), 'reports', ['tenant_id'], unique=False)
    op.create_index(op.f('ix_reports_agency_key'), 'reports', ['agency_key'], unique=False)
    op.create_index(op.f('ix_reports_updated_at'), 'reports', ['updated_at'], unique=False)
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.String(length=32), nullable=False),
    sa.Column('fingerprint', sa.String(length=200), nullable=False),
    sa.Column('rule_id', sa.String(length=100), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('by', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('review_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_id', 'fingerprint', name='uq_decision_fingerprint')
    )
    op.create_index(op.f('ix_decisions_tenant_id'), 'decisions', ['tenant_id'], unique=False)
    op.create_index(op.f('ix_decisions_report_id'), 'decisions', ['report_id'], unique=False)
    op.create_index(op.f('ix_decisions_rule_id'), 'decisions', ['rule_id'], unique=False)
    # Plain ADD COLUMN (no table rebuild): SQLite keeps the existing rows and the foreign keys that
    # point at submissions untouched; it takes the REFERENCES clause inline, PostgreSQL a named constraint.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('ALTER TABLE submissions ADD COLUMN report_id VARCHAR(32) REFERENCES reports (id)')
    else:
        op.add_column('submissions', sa.Column('report_id', sa.String(length=32), nullable=True))
    op.add_column('submissions', sa.Column('version', sa.Integer(), nullable=True))
    op.add_column('submissions', sa.Column('previous_id', sa.String(length=32), nullable=True))
    op.add_column('submissions', sa.Column('submitted_by', sa.String(length=200), nullable=True))
    if not sqlite:
        op.create_foreign_key('fk_submissions_report_id', 'submissions', 'reports', ['report_id'], ['id'])
    op.create_index('ix_submissions_report_id', 'submissions', ['report_id'], unique=False)
    op.create_index('uq_submission_report_version', 'submissions', ['report_id', 'version'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_submission_report_version', table_name='submissions')
    op.drop_index('ix_submissions_report_id', table_name='submissions')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_submissions_report_id', 'submissions', type_='foreignkey')
    with op.batch_alter_table('submissions') as batch:
        batch.drop_column('submitted_by')
        batch.drop_column('previous_id')
        batch.drop_column('version')
        batch.drop_column('report_id')
    op.drop_index(op.f('ix_decisions_rule_id'), table_name='decisions')
    op.drop_index(op.f('ix_decisions_report_id'), table_name='decisions')
    op.drop_index(op.f('ix_decisions_tenant_id'), table_name='decisions')
    op.drop_table('decisions')
    op.drop_index(op.f('ix_reports_updated_at'), table_name='reports')
    op.drop_index(op.f('ix_reports_agency_key'), table_name='reports')
    op.drop_index(op.f('ix_reports_tenant_id'), table_name='reports')
    op.drop_table('reports')
