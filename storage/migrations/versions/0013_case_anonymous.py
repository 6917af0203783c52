"""cases filed anonymously (issue 19)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 09:00:00.000000

`cases.anonymous`: the case was filed without a name, so no staff view shows the
customer's stored name on it (a Telegram display name is stored anyway). Plain ALTER TABLE
ADD COLUMN on both databases: no batch copy of `cases` (0009's triggers). Cases filed
anonymously before are found by their filed event (`"anonymous": true` in its data).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The filed event says so since issue 19 (handlers/file.py); json and SQLite's JSON text alike.
FLAGGED = {
    'postgresql': "(data::json ->> 'anonymous') = 'true'",
    'sqlite': "json_extract(data, '$.anonymous') = 1",
}


def upgrade() -> None:
    op.add_column(
        'cases', sa.Column('anonymous', sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    flagged = FLAGGED[op.get_bind().dialect.name]
    op.execute(
        "UPDATE cases SET anonymous = true WHERE id IN "
        f"(SELECT case_id FROM case_events WHERE kind = 'filed' AND {flagged})"
    )


def downgrade() -> None:
    # SQLite drops a plain column in place (3.35+); a batch copy would lose 0009's triggers.
    op.drop_column('cases', 'anonymous')
