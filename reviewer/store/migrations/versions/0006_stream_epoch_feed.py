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
    with op.batch_alter_table('submissions') as batch:
        batch.add_column(sa.Column('stream_epoch', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('feed_seq', sa.BigInteger(), nullable=True))
        batch.create_index('ix_submissions_stream_epoch', ['stream_epoch'], unique=False)
        batch.create_index('ix_submissions_feed_seq', ['feed_seq'], unique=True)
        batch.create_index('ix_submissions_tenant_feed', ['tenant_id', 'feed_seq'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('submissions') as batch:
        batch.drop_index('ix_submissions_tenant_feed')
        batch.drop_index('ix_submissions_feed_seq')
        batch.drop_index('ix_submissions_stream_epoch')
        batch.drop_column('feed_seq')
        batch.drop_column('stream_epoch')
