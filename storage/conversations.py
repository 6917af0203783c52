"""Queries about dialogue state and the inbound dedup log.

The statements of one inbound turn are built once, here, at import (building them showed
in profiles); each turn only binds its values: claim the update, the joined read of the
chat's conversation with the sender's identity, customer and staff rows (the conversation
row locked until commit on PostgreSQL; SQLite serialises writers), and the conversation's
update. Nothing is cached between calls: a turn holds what it read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.values import Role
from conversations.state import Flow
from storage.models import Conversation, Customer, Identity, ProcessedUpdate, Staff


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


_conversations = _table(Conversation)
_identities = _table(Identity)
_staff = _table(Staff)
_customers = _table(Customer)


def _by_dialect(build: Any) -> dict[str, Any]:
    """The statement for each backend whose INSERT ... ON CONFLICT differs in spelling."""
    return {"postgresql": build(pg_insert), "sqlite": build(sqlite_insert)}


_CLAIM = _by_dialect(
    lambda insert: (
        insert(_table(ProcessedUpdate))
        .values(
            channel=bindparam("channel"),
            update_id=bindparam("update_id"),
            processed_at=bindparam("now"),
        )
        .on_conflict_do_nothing()
        .returning(_table(ProcessedUpdate).c.update_id)
    )
)
_NEW_CONVERSATION = _by_dialect(
    lambda insert: (
        insert(_conversations)
        .values(
            channel=bindparam("channel"),
            chat_id=bindparam("chat"),
            flow=Flow.IDLE,
            step="",
            data={},
            updated_at=bindparam("now"),
        )
        .on_conflict_do_nothing()
    )
)
_OPTIONS = _by_dialect(
    lambda insert: (
        lambda statement: statement.on_conflict_do_update(
            index_elements=[_conversations.c.channel, _conversations.c.chat_id],
            set_={"last_options": statement.excluded.last_options},
        )
    )(
        insert(_conversations).values(
            channel=bindparam("channel"),
            chat_id=bindparam("chat"),
            flow=Flow.IDLE,
            step="",
            data={},
            last_options=bindparam("options", type_=_conversations.c.last_options.type),
            updated_at=bindparam("now"),
        )
    )
)
_PERSON_COLUMNS = (  # in the order of Sender's fields
    _identities.c.id.label("identity_id"),
    _identities.c.customer_id,
    _customers.c.name.label("customer_name"),
    _customers.c.language.label("customer_language"),
    _customers.c.unreachable_since,
    _identities.c.staff_id,
    _staff.c.name.label("staff_name"),
    _staff.c.role.label("staff_role"),
    _staff.c.department.label("staff_department"),
    _staff.c.active.label("staff_active"),
    _staff.c.language.label("staff_language"),
)
_SENDER = and_(
    _identities.c.channel == bindparam("channel"),
    _identities.c.external_id == bindparam("sender"),
)
_TURN = (
    select(
        _conversations.c.id,
        _conversations.c.flow,
        _conversations.c.step,
        _conversations.c.data,
        _conversations.c.last_options,
        _conversations.c.expires_at,
        *_PERSON_COLUMNS,
    )
    .select_from(
        _conversations.outerjoin(_identities, _SENDER)
        .outerjoin(_staff, _staff.c.id == _identities.c.staff_id)
        .outerjoin(_customers, _customers.c.id == _identities.c.customer_id)
    )
    .where(_conversations.c.channel == bindparam("channel"))
    .where(_conversations.c.chat_id == bindparam("chat"))
    .limit(1)  # a sender with two identities on one channel (never made) reads the first
    .with_for_update(of=_conversations)  # PostgreSQL; SQLite's writer is serialised anyway
)
_SENDER_ONLY = (
    select(*_PERSON_COLUMNS)
    .select_from(
        _identities.outerjoin(_staff, _staff.c.id == _identities.c.staff_id).outerjoin(
            _customers, _customers.c.id == _identities.c.customer_id
        )
    )
    .where(_SENDER)
    .order_by(_identities.c.id)
    .limit(1)
)
_SAVE = update(_conversations).where(_conversations.c.id == bindparam("row_id"))
_SAVE_STATE = _SAVE.values(
    flow=bindparam("flow"),
    step=bindparam("step"),
    data=bindparam("data", type_=_conversations.c.data.type),
    updated_at=bindparam("now"),
    expires_at=bindparam("expires_at"),
)
_SAVE_STATE_AND_OPTIONS = _SAVE_STATE.values(
    last_options=bindparam("options", type_=_conversations.c.last_options.type)
)


@dataclass(frozen=True)
class Sender:
    """The sender's identity on the channel and whom it belongs to (all None: unknown)."""

    identity_id: int | None = None
    customer_id: int | None = None
    customer_name: str | None = None
    customer_language: str | None = None
    unreachable_since: datetime | None = None
    staff_id: int | None = None
    staff_name: str | None = None
    staff_role: Role | None = None
    staff_department: str | None = None
    staff_active: bool | None = None
    staff_language: str | None = None


@dataclass(frozen=True)
class ConversationRow:
    """A chat's dialogue row as the turn read it (and locked it)."""

    id: int
    flow: str
    step: str
    data: dict[str, Any]
    last_options: list[str] | None
    expires_at: datetime | None


@dataclass(frozen=True)
class Loaded:
    """What one joined read returns: the chat's conversation and the sender."""

    conversation: ConversationRow
    sender: Sender


def _sender(row: Any) -> Sender:
    return Sender(*row[-len(_PERSON_COLUMNS) :])


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def claim_update(self, channel: str, update_id: str, now: datetime) -> bool:
        """Record an inbound update; False when it was seen before (a retry or resend)."""
        result = await self.session.execute(
            _CLAIM[self._dialect], {"channel": channel, "update_id": update_id, "now": now}
        )
        return result.scalar() is not None

    async def turn(self, channel: str, chat_id: str, sender_id: str) -> Loaded | None:
        """The chat's conversation row, locked until commit, joined with the sender's
        identity, customer and staff rows; None when the chat has no row yet."""
        values = {"channel": channel, "chat": chat_id, "sender": sender_id}
        row = (await self.session.execute(_TURN, values)).first()
        if row is None:
            return None
        conversation = ConversationRow(
            row.id, row.flow, row.step, dict(row.data or {}), row.last_options, row.expires_at
        )
        return Loaded(conversation, _sender(row))

    async def sender(self, channel: str, sender_id: str) -> Sender:
        """Whom the sender is, read alone (a chat without a conversation row yet)."""
        values = {"channel": channel, "sender": sender_id}
        row = (await self.session.execute(_SENDER_ONLY, values)).first()
        return _sender(row) if row is not None else Sender()

    async def start(self, channel: str, chat_id: str, now: datetime) -> None:
        """An idle row for a new chat, unless another transaction made one meanwhile (on
        PostgreSQL the insert waits for that transaction, then leaves its row)."""
        await self.session.execute(
            _NEW_CONVERSATION[self._dialect], {"channel": channel, "chat": chat_id, "now": now}
        )

    async def save(
        self,
        row_id: int,
        state: tuple[str, str, dict[str, Any]],
        now: datetime,
        expires_at: datetime | None,
        options: list[str] | tuple[()] | None = (),
    ) -> None:
        """Store the turn's new state; `options` are the choices the turn's last answer
        offered (None: it offered none), or () to keep those remembered."""
        flow, step, data = state
        values = {
            "row_id": row_id,
            "flow": flow,
            "step": step,
            "data": data,
            "now": now,
            "expires_at": expires_at,
        }
        if options == ():
            await self.session.execute(_SAVE_STATE, values)
        else:
            await self.session.execute(_SAVE_STATE_AND_OPTIONS, {**values, "options": options})

    async def remember_options(
        self, channel: str, chat_id: str, actions: list[str] | None, now: datetime
    ) -> None:
        """The choices last offered in a chat (a new chat gets an idle row to hold them)."""
        values = {"channel": channel, "chat": chat_id, "options": actions, "now": now}
        await self.session.execute(_OPTIONS[self._dialect], values)

    async def load(self, channel: str, chat_id: str) -> Conversation | None:
        """The chat's row as an object (for reading and for the expiry sweep)."""
        return await self.session.scalar(
            select(Conversation).where(
                Conversation.channel == channel, Conversation.chat_id == chat_id
            )
        )

    async def expired(self, now: datetime, limit: int = 200) -> Sequence[Conversation]:
        """Conversations left mid-flow past their expiry, locked for this sweep."""
        return (
            await self.session.scalars(
                select(Conversation)
                .where(Conversation.expires_at < now)
                .order_by(Conversation.expires_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
