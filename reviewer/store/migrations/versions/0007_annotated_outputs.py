"""annotated_outputs: annotated drafts (docx/html/pdf) produced by the worker, cached (issue 17)

Revision ID: 0007
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annotated_outputs',
    sa.Column('submission_id', sa.String(length=32), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('review_sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ),
    sa.PrimaryKeyConstraint('submission_id', 'format')
    )


def downgrade() -> None:
    op.drop_table('annotated_outputs')
