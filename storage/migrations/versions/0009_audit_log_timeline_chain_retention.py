"""audit log, timeline hash chain and append-only triggers, retention marks

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 04:30:00.000000

The triggers refuse UPDATE and DELETE on case_events unless the same transaction holds a
row in timeline_unlocks (the anonymising sweep's documented path, storage/retention.py).
A later migration that rebuilds case_events through a SQLite table copy must create the
triggers again (`create_triggers`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base
from storage.timeline_chain import GENESIS, event_hash

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "case_events is append-only (issue 15)"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER case_events_no_{verb.lower()} BEFORE {verb} ON case_events
    WHEN NOT EXISTS (SELECT 1 FROM timeline_unlocks)
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"""
    for verb in ("UPDATE", "DELETE")
]
PG_TRIGGERS = [
    f"""CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM timeline_unlocks) THEN
            RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only()""",
]


def create_triggers() -> None:
    bind = op.get_bind()
    for statement in PG_TRIGGERS if bind.dialect.name == 'postgresql' else SQLITE_TRIGGERS:
        op.execute(statement)


def drop_triggers() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS case_events_append_only ON case_events")
        op.execute("DROP FUNCTION IF EXISTS case_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS case_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS case_events_no_delete")


def _chain_existing() -> None:
    """Seal the events written before this migration, oldest first, case by case."""
    bind = op.get_bind()
    events = sa.table(
        'case_events', sa.column('id'), sa.column('case_id'), sa.column('at', storage.base.UTCDateTime()),
        sa.column('actor_kind'), sa.column('actor_id'), sa.column('kind'),
        sa.column('customer_visible'), sa.column('data', sa.JSON()),
        sa.column('prev_hash'), sa.column('hash'),
    )
    cases = sa.table('cases', sa.column('id'), sa.column('number'), sa.column('timeline_head'))
    numbers = dict(bind.execute(sa.select(cases.c.id, cases.c.number)).all())
    heads: dict[int, str] = {}
    for row in bind.execute(sa.select(events).order_by(events.c.case_id, events.c.id)).all():
        prev = heads.get(row.case_id, GENESIS)
        digest = event_hash(numbers[row.case_id], row, prev)
        bind.execute(
            events.update().where(events.c.id == row.id).values(prev_hash=prev, hash=digest)
        )
        heads[row.case_id] = digest
    for case_id, head in heads.items():
        bind.execute(cases.update().where(cases.c.id == case_id).values(timeline_head=head))


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('actor', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
    op.create_table('timeline_unlocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timeline_unlocks'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timeline_head', sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column('anonymised_at', storage.base.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('forget_requested_at', storage.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('erased_at', storage.base.UTCDateTime(timezone=True), nullable=True)
        )
    _chain_existing()
    create_triggers()


def downgrade() -> None:
    drop_triggers()
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch table copy would drop
    # `customers` and `cases`, which other tables' foreign keys refer to.
    for table, column in (
        ('customers', 'erased_at'),
        ('customers', 'forget_requested_at'),
        ('case_events', 'hash'),
        ('case_events', 'prev_hash'),
        ('cases', 'anonymised_at'),
        ('cases', 'timeline_head'),
    ):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
    op.drop_table('timeline_unlocks')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
    op.drop_table('audit_log')
