"""Each timeline event carries the hash of the one before it (per case), so an event
changed behind the database's back breaks the chain and `complaintdesk cases verify`
names it (issue 15). The case row keeps the newest hash, so the last event is covered too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any, Protocol

GENESIS = ""  # the `prev_hash` of a case's first event


class Chained(Protocol):
    """What the hash covers: everything an event says, and where it stands in the chain."""

    @property
    def at(self) -> datetime: ...
    @property
    def actor_kind(self) -> Any: ...
    @property
    def actor_id(self) -> int | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def customer_visible(self) -> bool: ...
    @property
    def data(self) -> dict[str, Any]: ...


def event_hash(number: str, event: Chained, prev: str) -> str:
    """SHA-256 over the case number, the event's fields in a canonical JSON, and `prev`."""
    body = [
        number,
        event.at.astimezone(UTC).isoformat(),
        str(event.actor_kind),
        event.actor_id,
        str(event.kind),
        bool(event.customer_visible),
        event.data or {},
        prev,
    ]
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sha256(text.encode("utf-8")).hexdigest()


class _Head(Protocol):
    number: str
    timeline_head: str | None


def seal(case: _Head, event: Any) -> None:
    """Chain a new event (an ORM object) onto the case: its prev and own hash, the new head."""
    event.prev_hash = case.timeline_head or GENESIS
    event.hash = event_hash(case.number, event, event.prev_hash)
    case.timeline_head = event.hash


@dataclass(frozen=True)
class _RowView:
    at: datetime
    actor_kind: Any
    actor_id: int | None
    kind: str
    customer_visible: bool
    data: dict[str, Any]


def seal_rows(case: _Head, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of one case's new events (for one INSERT), chained in order."""
    sealed = []
    for row in rows:
        prev = case.timeline_head or GENESIS
        view = _RowView(**{name: row[name] for name in _RowView.__dataclass_fields__})
        digest = event_hash(case.number, view, prev)
        sealed.append({**row, "prev_hash": prev, "hash": digest})
        case.timeline_head = digest
    return sealed


@dataclass(frozen=True)
class Break:
    """Where a case's chain does not hold: the event (None: the case's head) and why."""

    number: str
    event_id: int | None
    reason: str


class _Stored(Chained, Protocol):
    @property
    def id(self) -> int: ...
    @property
    def prev_hash(self) -> str | None: ...
    @property
    def hash(self) -> str | None: ...


def check(number: str, head: str | None, events: Iterable[_Stored]) -> list[Break]:
    """Every break in one case's chain, events in id order; an empty list is a sound case."""
    breaks, prev = [], GENESIS
    for event in events:
        if event.prev_hash != prev:
            breaks.append(Break(number, event.id, "prev_hash does not match the event before"))
        if event.hash != event_hash(number, event, event.prev_hash or GENESIS):
            breaks.append(Break(number, event.id, "content does not match its hash"))
        prev = event.hash or ""
    if (head or GENESIS) != prev:
        breaks.append(Break(number, None, "the case's last hash does not match its last event"))
    return breaks
