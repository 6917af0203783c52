"""A card's queued edits as one (issue 18): the oldest, chosen to go, is replaced by the
card's latest queued edit, and the edits between are marked superseded: a busy group's
allowance is not spent drawing states already out of date."""

from __future__ import annotations

from datetime import datetime

from conversations.base.values import Purpose
from storage.models import OutboxMessage
from storage.outbox import Candidate, OutboxRepository

Claimed = tuple[OutboxMessage, str | None]  # a row and the message it edits


async def coalesced(
    outbox: OutboxRepository, chosen: list[Candidate], now: datetime
) -> list[Claimed]:
    """The rows to send for the chosen candidates: a card edit is replaced by its card's
    latest queued edit, and the edits between are marked superseded (one query for all
    the round's cards, one update; issue 18)."""
    cards = {card: c.row.id for c in chosen if c.edit_of and (card := card_of(c.row))}
    queued: dict[tuple[str, str, int], list[OutboxMessage]] = {}
    for row in await outbox.queued_edits(list(cards), now):
        queued.setdefault(card_of(row) or ("", "", 0), []).append(row)
    latest: dict[int, OutboxMessage] = {}
    superseded: list[int] = []
    for card, rows in queued.items():
        if rows[0].id == cards.get(card):  # the chosen edit is its card's oldest
            latest[rows[0].id] = rows[-1]
            superseded += [row.id for row in rows[:-1]]
    await outbox.supersede(superseded, now)
    return [(latest.get(c.row.id, c.row), c.edit_of) for c in chosen]


def card_of(row: OutboxMessage) -> tuple[str, str, int] | None:
    if row.purpose != Purpose.CARD or row.case_id is None:
        return None
    return row.channel, row.chat_id, row.case_id
