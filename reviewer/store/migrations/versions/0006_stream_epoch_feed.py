"""submissions: stream_epoch (result stream rebuilt after Redis loses it) and feed_seq (cursor feed) (issue 17)

Revision ID: 0006
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a table rebuild: on SQLite a rebuild drops submissions, which the foreign
    # keys pointing at it forbid once it has rows (see 0003/0004).
    op.add_column('submissions', sa.Column('stream_epoch', sa.String(length=32), nullable=True))
    op.add_column('submissions', sa.Column('feed_seq', sa.BigInteger(), nullable=True))
    op.create_index('ix_submissions_stream_epoch', 'submissions', ['stream_epoch'], unique=False)
    op.create_index('ix_submissions_feed_seq', 'submissions', ['feed_seq'], unique=True)
    op.create_index('ix_submissions_tenant_feed', 'submissions', ['tenant_id', 'feed_seq'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('submissions') as batch:
        batch.drop_index('ix_submissions_tenant_feed')
        batch.drop_index('ix_submissions_feed_seq')
        batch.drop_index('ix_submissions_stream_epoch')
        batch.drop_column('feed_seq')
        batch.drop_column('stream_epoch')
