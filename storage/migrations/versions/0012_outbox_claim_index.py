"""outbox claim index: pending rows by channel, chat, case and id (issue 18)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 09:30:00.000000

The dispatcher's claim query (storage/outbox.py `candidates`) finds each chat's and
case's oldest pending row with a GROUP BY read from this index alone, in its order: no
sort of every pending row, and no read of the rows already sent. Plain CREATE/DROP INDEX
on both databases: no batch copy of `outbox`.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_outbox_claim', 'outbox', ['status', 'channel', 'chat_id', 'case_id', 'id'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_outbox_claim', table_name='outbox')
