"""replies, stored media, absences, first-contact ownership

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 06:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_staff_absences_created_by_id_staff')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_absences_staff_id_staff')),
    sa.ForeignKeyConstraint(['substitute_id'], ['staff.id'], name=op.f('fk_staff_absences_substitute_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_absences'))
    )
    op.create_index(op.f('ix_staff_absences_staff_id'), 'staff_absences', ['staff_id'], unique=False)
    # Plain ADD COLUMN (no batch copy): cases is referred to by other tables' foreign keys
    # and its timeline triggers must not be lost (see 0009's downgrade). SQLite adds a
    # nullable column with a named REFERENCES clause in place; alembic would not.
    for table, column in (('cases', 'received_by_id'), ('attachments', 'staff_id')):
        name = f'fk_{table}_{column}_staff'
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(
                f'ALTER TABLE {table} ADD COLUMN {column} INTEGER '
                f'CONSTRAINT {name} REFERENCES staff (id)'
            )
        else:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(op.f(name), table, 'staff', [column], ['id'])
    op.add_column('attachments', sa.Column('stored_path', sa.String(length=500), nullable=True))
    op.add_column('attachments', sa.Column('size_bytes', sa.Integer(), nullable=True))
    op.add_column('attachments', sa.Column('file_name', sa.String(length=200), nullable=True))
    op.create_index('ix_outbox_sent_message', 'outbox', ['channel', 'chat_id', 'platform_message_id'], unique=False)
    op.create_index('ix_message_refs_platform', 'message_refs', ['channel', 'chat_id', 'platform_message_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_message_refs_platform', table_name='message_refs')
    op.drop_index('ix_outbox_sent_message', table_name='outbox')
    with op.batch_alter_table('attachments', schema=None) as batch_op:  # nothing refers to it
        for column in ('staff_id', 'file_name', 'size_bytes', 'stored_path'):
            batch_op.drop_column(column)
    # SQLite cannot drop a column with a foreign key, and copying cases would drop its
    # timeline triggers' companions (0009): there the unused nullable column stays.
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_column('cases', 'received_by_id')
    op.drop_index(op.f('ix_staff_absences_staff_id'), table_name='staff_absences')
    op.drop_table('staff_absences')
