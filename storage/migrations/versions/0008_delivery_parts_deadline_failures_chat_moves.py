"""delivered parts, failed deadlines, moved chats

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 00:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('chat_moves',
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('chat_id', sa.String(length=128), nullable=False),
    sa.Column('moved_to', sa.String(length=128), nullable=False),
    sa.Column('moved_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'chat_id', name=op.f('pk_chat_moves'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('parts_sent', sa.Integer(), server_default='0', nullable=False)
        )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('failed_at', storage.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('error', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_column('error')
        batch_op.drop_column('failed_at')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('parts_sent')
    op.drop_table('chat_moves')
