"""Queries about the outbox: queue a message, find the next ones to send, record results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    Table,
    and_,
    case,
    false,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from conversations.base.values import OutboxStatus, Purpose
from storage.models import Identity, MessageRef, OutboxMessage


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


_ENQUEUE = insert(_table(OutboxMessage))
# A card edit whose state a later edit of the same card carried (issue 18): done, not sent.
SUPERSEDED = "superseded: a later edit of this card carried its latest state"


@dataclass(frozen=True)
class Candidate:
    """A row that may go next in its chat, with what the dispatcher chooses by: the id of
    the message it edits (its card's, from message_refs), whether it is its chat's oldest
    pending row (in-order delivery), and whether it is its chat's first by priority."""

    row: OutboxMessage
    edit_of: str | None
    chat_head: bool
    first_by_priority: bool


@dataclass(frozen=True)
class ClaimScope:
    """The rows one dispatcher may claim: every row of its own chats, and rows created
    since it began for chats that are no person's (a console session prints its player's
    messages and the group alerts it caused; another player's are theirs, issue 11)."""

    chats: frozenset[str]
    since: datetime


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def enqueue(self, message: OutboxMessage) -> None:
        self.session.add(message)

    async def enqueue_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """Queue plain rows (channel, chat_id, payload, not_before, created_at) in one
        statement, with no objects to track: the inbound turn's answers."""
        if rows:
            await self.session.execute(_ENQUEUE, list(rows))

    async def candidates(
        self,
        now: datetime,
        limit: int,
        channels: Sequence[str],
        scope: ClaimScope | None = None,
    ) -> list[Candidate]:
        """The rows that may go next, with their edit targets, in one query (and one
        more that locks them by primary key; issue 18).

        In each chat, the oldest pending row of each case (a case's messages keep their
        order everywhere) that is ready and not leased; of those, the chat's oldest row
        (`chat_head`: what a person's chat must send next) and its first by priority
        (`first_by_priority`: a group's allowance goes to alerts and other notices, then
        new cards, then card edits, oldest first). At most two rows per chat, the chats
        that waited longest first; rows another process is claiming are skipped."""
        chosen = await self.session.execute(candidates_query(now, limit, channels, scope))
        found = {
            row_id: (edit_of, row_id == head, place == 1) for row_id, edit_of, head, place in chosen
        }
        if not found:
            return []
        # Locked by primary key, and checked again on the row as locked: the query above
        # saw the transaction's snapshot, and another dispatcher may have claimed a row
        # since. (Apart, so no planner ever joins the grouping query in a nested loop.)
        rows = await self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(found), OutboxMessage.status == OutboxStatus.PENDING)
            .where(_free(now))
            .with_for_update(skip_locked=True)
        )
        locked = {row.id: row for row in rows}
        return [Candidate(locked[i], *found[i]) for i in found if i in locked]

    async def queued_edits(
        self, cards: Sequence[tuple[str, str, int]], now: datetime
    ) -> Sequence[OutboxMessage]:
        """The pending, unleased card edits of these (channel, chat, case) cards, oldest
        first, in one query: the ones a card's latest state may supersede."""
        if not cards:
            return []
        rows = await self.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.purpose == Purpose.CARD,
                tuple_(OutboxMessage.channel, OutboxMessage.chat_id, OutboxMessage.case_id).in_(
                    list(cards)
                ),
                _free(now),
            )
            .order_by(OutboxMessage.id)
            .with_for_update(skip_locked=True)
        )
        return rows.all()

    async def supersede(self, ids: Sequence[int], now: datetime) -> None:
        """Card edits a later edit of the same card carries: done, with the reason."""
        if ids:
            await self.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(status=OutboxStatus.SENT, sent_at=now, claimed_until=None, error=SUPERSEDED)
                .execution_options(synchronize_session=False)
            )

    async def claim(self, ids: Sequence[int], until: datetime) -> None:
        """Lease these rows to the dispatcher claiming them, in one statement."""
        if ids:
            await self.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(claimed_until=until)
                .execution_options(synchronize_session=False)
            )

    async def sent_since(self, channel: str, since: datetime) -> list[tuple[str, datetime]]:
        """(chat, sent at) of the channel's sends after `since`, oldest first: what a
        dispatcher taking over a channel must count against the platform's limits."""
        rows = await self.session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.sent_at)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.status == OutboxStatus.SENT,
                OutboxMessage.sent_at > since,
                or_(OutboxMessage.error.is_(None), OutboxMessage.error != SUPERSEDED),
            )
            .order_by(OutboxMessage.sent_at)
        )
        return [(chat, at) for chat, at in rows if at is not None]

    async def next_ready(
        self, channels: Sequence[str], scope: ClaimScope | None = None
    ) -> datetime | None:
        """When the earliest waiting message may go (for the dispatcher's sleep)."""
        query = select(func.min(OutboxMessage.not_before)).where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.channel.in_(channels),
        )
        if scope is not None:
            query = query.where(_within(scope))
        return await self.session.scalar(query)

    async def parked(self, limit: int = 50) -> Sequence[OutboxMessage]:
        rows = await self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PARKED)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
        return rows.all()

    async def retry_parked(self, now: datetime, ids: Sequence[int] | None = None) -> int:
        """Put parked messages back in line (all, or the given ids)."""
        query = (
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PARKED)
            .values(
                status=OutboxStatus.PENDING,
                not_before=now,
                claimed_until=None,
                error=None,
                attempts=0,  # a fresh count: the retry cap applies anew (issue 11)
            )
        )
        if ids:
            query = query.where(OutboxMessage.id.in_(ids))
        result = await self.session.execute(query)
        return int(getattr(result, "rowcount", 0) or 0)

    async def void_claims(self, channel: str) -> None:
        """Free the channel's claimed rows: their claimant lost the sender lease, so it no
        longer sends them (a dead process's claims are taken over at once)."""
        await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.claimed_until.is_not(None),
            )
            .values(claimed_until=None)
            .execution_options(synchronize_session=False)
        )

    async def repoint(self, channel: str, chat_id: str, moved_to: str, now: datetime) -> None:
        """Send a moved chat's pending messages to its new id, from now on."""
        await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .values(chat_id=moved_to, claimed_until=None, not_before=now)
            .execution_options(synchronize_session=False)
        )

    async def pending_in_chat(
        self, channel: str, chat_id: str, limit: int
    ) -> Sequence[OutboxMessage]:
        """A chat's pending messages in the order they are to go."""
        rows = await self.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        return rows.all()

    async def queued_notices(
        self, head: OutboxMessage, now: datetime, limit: int
    ) -> Sequence[OutboxMessage]:
        """A group's queued notices about cases (no card, no digest), each the next of its
        case in that chat, unleased (but for `head`, the one being sent), oldest first:
        what may be combined into one message when the group's allowance is short
        (issue 18)."""
        channel, chat_id = head.channel, head.chat_id
        earlier = aliased(OutboxMessage)
        before = (
            select(earlier.id)
            .where(
                earlier.channel == OutboxMessage.channel,
                earlier.chat_id == OutboxMessage.chat_id,
                earlier.case_id == OutboxMessage.case_id,
                earlier.status == OutboxStatus.PENDING,
                earlier.id < OutboxMessage.id,
            )
            .exists()
        )
        rows = await self.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.purpose.is_(None),
                OutboxMessage.case_id.is_not(None),
                OutboxMessage.not_before <= now,
                or_(_free(now), OutboxMessage.id == head.id),
                ~before,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        return rows.all()

    async def waiting_media_paths(self) -> set[str]:
        """Stored files that messages not yet sent (pending or parked) will carry."""
        rows = await self.session.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.PARKED))
            )
        )
        return {path for payload in rows for path in _media_paths(payload)}

    async def backlog(self) -> dict[OutboxStatus, int]:
        rows = await self.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {row[0]: int(row[1]) for row in rows}

    async def message_ref(
        self, case_id: int, channel: str, chat_id: str, purpose: str
    ) -> MessageRef | None:
        return await self.session.scalar(
            select(MessageRef).where(
                MessageRef.case_id == case_id,
                MessageRef.channel == channel,
                MessageRef.chat_id == chat_id,
                MessageRef.purpose == purpose,
            )
        )

    def add_ref(self, ref: MessageRef) -> None:
        self.session.add(ref)


def _free(now: datetime) -> ColumnElement[bool]:
    return or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)


def _case_heads(now: datetime, channels: Sequence[str], scope: ClaimScope | None) -> Subquery:
    """Each case's oldest pending row in each chat (`id`), its chat's oldest (the least
    of its cases'), and what that row is: one GROUP BY read in ix_outbox_claim's order,
    no sort of every pending row, no join (issue 18; a planner without statistics
    rescanned a grouping joined back to outbox once for every pending row)."""
    cases = select(
        OutboxMessage.channel,
        OutboxMessage.chat_id,
        OutboxMessage.case_id,
        _OLDEST.label("id"),
        _oldest_is(OutboxMessage.not_before <= now, _free(now)).label("ready"),
        case(*_PURPOSES, else_=null()).label("purpose"),
    ).where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.channel.in_(channels))
    if scope is not None:
        cases = cases.where(_within(scope))
    grouped = cases.group_by(
        OutboxMessage.channel, OutboxMessage.chat_id, OutboxMessage.case_id
    ).subquery("cases")
    chat_head = func.min(grouped.c.id).over(partition_by=(grouped.c.channel, grouped.c.chat_id))
    return select(*grouped.c, chat_head.label("chat_head")).subquery("heads")


_OLDEST = func.min(OutboxMessage.id)


def _oldest_is(*condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Whether a case's oldest row meets the condition: the oldest of its rows that
    meet it is the oldest of all (false, not NULL, when none does)."""
    return func.coalesce(_OLDEST.filter(*condition) == _OLDEST, false())


# The purpose of a case's oldest row: one of Purpose (what the desk stores), or none for
# a notice.
_PURPOSES = [(_oldest_is(OutboxMessage.purpose == p), literal(p.value)) for p in Purpose]


def candidates_query(
    now: datetime, limit: int, channels: Sequence[str], scope: ClaimScope | None = None
) -> Select[int, str | None, int, int]:
    """The case heads ready now and not leased, with their edit targets, ranked in their
    chat (notices, then new cards, then card edits, oldest first); of those, each chat's
    first by rank and its oldest row, the chats that waited longest first:
    (id, edit_of, chat's oldest, place)."""
    heads = _case_heads(now, channels, scope)
    ready = select(heads).where(heads.c.ready).subquery("ready")
    return _ranked(ready, limit)


def _ranked(ready: Subquery, limit: int) -> Select[int, str | None, int, int]:
    """Each chat's first by rank and its oldest row, with their edit targets."""
    ref = aliased(MessageRef, name="ref")
    rank = case(
        (or_(ready.c.purpose.is_(None), ready.c.purpose != Purpose.CARD), literal(0)),
        (ref.id.is_(None), literal(1)),
        else_=literal(2),
    )
    placed = (
        select(
            ready.c.id,
            ref.platform_message_id.label("edit_of"),
            ready.c.chat_head,
            func.row_number()
            .over(partition_by=(ready.c.channel, ready.c.chat_id), order_by=(rank, ready.c.id))
            .label("place"),
        )
        .outerjoin(
            ref,
            and_(
                ref.case_id == ready.c.case_id,
                ref.channel == ready.c.channel,
                ref.chat_id == ready.c.chat_id,
                ref.purpose == ready.c.purpose,
            ),
        )
        .subquery("placed")
    )
    return (
        select(placed.c.id, placed.c.edit_of, placed.c.chat_head, placed.c.place)
        .where(or_(placed.c.place == 1, placed.c.id == placed.c.chat_head))
        .order_by(placed.c.chat_head, placed.c.id)
        .limit(2 * limit)
    )


def _within(scope: ClaimScope) -> ColumnElement[bool]:
    people = select(Identity.external_id).where(Identity.channel == OutboxMessage.channel)
    caused = and_(OutboxMessage.created_at >= scope.since, OutboxMessage.chat_id.not_in(people))
    return or_(OutboxMessage.chat_id.in_(scope.chats), caused)


def _media_paths(payload: object) -> list[str]:
    """The stored paths in a payload's "media" list (the outbox payload contract)."""
    media = payload.get("media") if isinstance(payload, dict) else None
    if not isinstance(media, list):
        return []
    return [str(m["path"]) for m in media if isinstance(m, dict) and m.get("path")]
