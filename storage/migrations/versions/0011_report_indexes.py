"""report indexes: closed and filed, resolved, deadlines due (issue 18)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 07:20:00.000000

The period measures read only what the period touches (storage/measures.py): cases by
closing time then filing time (open at the period's end, closed after it), by resolution
time, and service-level deadlines by due time. Plain CREATE/DROP INDEX on both databases:
no batch copy of `cases` (0009's triggers).
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_cases_closed_at', table_name='cases')
    op.create_index('ix_cases_closed_created', 'cases', ['closed_at', 'created_at'], unique=False)
    op.create_index('ix_cases_resolved_at', 'cases', ['resolved_at'], unique=False)
    op.create_index('ix_deadlines_due', 'deadlines', ['due_at', 'escalation_level'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_deadlines_due', table_name='deadlines')
    op.drop_index('ix_cases_resolved_at', table_name='cases')
    op.drop_index('ix_cases_closed_created', table_name='cases')
    op.create_index('ix_cases_closed_at', 'cases', ['closed_at'], unique=False)
