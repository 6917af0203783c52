"""A case's forum topic, at delivery (issue 13).

A department group organised as a forum gets one topic per case. The use cases only mark
rows (the outbox payload contract): `"topic": {"open": name}` on the card opens the
case's topic before the card is posted, and the card goes inside it; `{"close": true}` on
the closing edit closes it; `"in_topic": true` sends a row into the case's topic. The
topic's thread id is kept in message_refs (purpose 'topic', per case, channel and group),
where a staff member's message written in the topic finds its case again.

A group that is no forum, or where the bot may not manage topics, gets the card as
before; it is logged once per process, and not asked again until a restart. A crash
between creating a topic and recording it may leave one unused topic behind: the card is
never lost for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from conversations.base.values import Purpose
from notifications.senders import Outgoing, Sender, SendFailed, Topics
from storage.engine import Database
from storage.models import MessageRef, OutboxMessage
from storage.outbox import OutboxRepository
from storage.uow import unit_of_work

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Routed:
    """Where the row's message goes, and the topic to close once it is delivered."""

    message: Outgoing
    close: str | None = None


class CaseTopics:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.no_topics: set[tuple[str, str]] = set()  # (channel, group) that refused one

    async def route(self, sender: Sender, row: OutboxMessage, message: Outgoing) -> Routed:
        """The message addressed to the case's topic when the row asks for it."""
        topic = _topic(row.payload)
        if not _wants_topic(sender, row, topic):
            return Routed(message)
        thread = await self._thread(row)
        name = topic.get("open")
        if thread is None and isinstance(name, str) and message.edit_of is None:
            thread = await self._open(sender, row, name)
        if thread is None:
            return Routed(message)
        close = thread if topic.get("close") is True else None
        if message.edit_of is not None:  # an edit names the message; the topic is implied
            return Routed(message, close)
        return Routed(replace(message, chat_id=f"{row.chat_id}:{thread}"), close)

    async def close(self, sender: Sender, row: OutboxMessage, thread: str) -> None:
        """Close the topic after its closing card went; a failure is logged, not retried
        (the card, the part that matters, was delivered)."""
        assert isinstance(sender, Topics)
        try:
            await sender.close_topic(row.chat_id, thread)
        except SendFailed as failure:
            log.warning(
                "topic_not_closed case=%s chat=%s error=%s",
                row.case_id,
                row.chat_id,
                failure.reason[:80],
            )

    async def _thread(self, row: OutboxMessage) -> str | None:
        assert row.case_id is not None
        async with unit_of_work(self.db, readonly=True) as uow:
            ref = await OutboxRepository(uow.session).message_ref(
                row.case_id, row.channel, row.chat_id, Purpose.TOPIC
            )
        return ref.platform_message_id if ref is not None else None

    async def _open(self, sender: Sender, row: OutboxMessage, name: str) -> str | None:
        """Create the topic and record it before the card goes; SendFailed (network,
        chat gone) propagates, so the row is retried or parked like any send."""
        assert isinstance(sender, Topics) and row.case_id is not None
        group = (row.channel, row.chat_id)
        if group in self.no_topics:
            return None
        thread = await sender.open_topic(row.chat_id, name)
        if thread is None:
            self.no_topics.add(group)
            log.warning(
                "topic_refused channel=%s chat=%s: not a forum, or the bot may not manage "
                "topics; cards go to the group itself",
                row.channel,
                row.chat_id,
            )
            return None
        async with unit_of_work(self.db) as uow:
            OutboxRepository(uow.session).add_ref(
                MessageRef(
                    case_id=row.case_id,
                    channel=row.channel,
                    chat_id=row.chat_id,
                    purpose=Purpose.TOPIC,
                    platform_message_id=thread,
                )
            )
        return thread


def _topic(payload: dict[str, Any]) -> dict[str, Any]:
    topic = payload.get("topic")
    return topic if isinstance(topic, dict) else {}


def _wants_topic(sender: Sender, row: OutboxMessage, topic: dict[str, Any]) -> bool:
    """A row about a case, to a whole group (not one of its topics already), on a channel
    with topics, that asks to open, close or go into the case's topic."""
    asks = bool(topic) or row.payload.get("in_topic") is True
    return (
        asks and row.case_id is not None and ":" not in row.chat_id and isinstance(sender, Topics)
    )
