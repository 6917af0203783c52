"""Faults and pauses for the acknowledgement tests: a gate in front of dispatch, a database
that can be switched off, and a sleep the test lets go of (no test sleeps for real)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from conversations.base.messages import Inbound, Reply
from handlers.dispatch import Inbox, dispatch
from storage.engine import Database


@dataclass
class Gate:
    """Holds the dispatch of chosen updates until opened, and notes what ran when."""

    held: set[str]
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    events: list[tuple[str, int]] = field(default_factory=list)  # ("began"|"committed", id)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def dispatch(self, inbox: Inbox, inbound: Inbound) -> list[Reply]:
        self._note("began", inbound.update_id)
        if inbound.update_id in self.held:
            await self.opened.wait()
        replies = await dispatch(inbox, inbound)
        self._note("committed", inbound.update_id)
        return replies

    def _note(self, what: str, update_id: str) -> None:
        self.events.append((what, int(update_id)))
        self._changed.set()

    def at(self, what: str, update_id: int) -> int:
        """Where in `events` an update began or committed."""
        return self.events.index((what, update_id))

    async def until(self, *events: tuple[str, int]) -> None:
        """Until every one of `events` happened."""
        async with asyncio.timeout(20):  # a bound for a broken build, not a deadline
            while not set(events) <= set(self.events):
                self._changed.clear()
                await self._changed.wait()


def gate_dispatch(monkeypatch: pytest.MonkeyPatch, *update_ids: int) -> Gate:
    """The real dispatch behind a gate that holds `update_ids` until the test opens it."""
    gate = Gate({str(u) for u in update_ids})
    monkeypatch.setattr("bot.telegram.runtime.dispatch", gate.dispatch)
    return gate


@dataclass
class Outage:
    """While `down`, every statement fails as a lost database connection would."""

    down: bool = True

    def refuse(self, *args: Any) -> None:
        if self.down:
            raise OperationalError("database is down", None, ConnectionError("refused"))


@contextmanager
def outage(db: Database) -> Iterator[Outage]:
    switch = Outage()
    event.listen(db.engine.sync_engine, "before_cursor_execute", switch.refuse)
    try:
        yield switch
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", switch.refuse)


@dataclass
class Pauses:
    """The poller's sleep: records each delay asked for, returns once the test resumes."""

    delays: list[float] = field(default_factory=list)
    asked: asyncio.Event = field(default_factory=asyncio.Event)
    resumed: asyncio.Event = field(default_factory=asyncio.Event)

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        self.asked.set()
        await self.resumed.wait()

    async def wait(self, count: int) -> None:
        """Until the poller has asked for `count` pauses."""
        async with asyncio.timeout(20):  # a bound for a broken build, not a deadline
            while len(self.delays) < count:
                self.asked.clear()
                await self.asked.wait()
