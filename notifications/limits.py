"""Pacing sends to a platform's declared limits: per chat, per group, overall.

In-process: a dispatcher paces what it sends. Only one process sends on a channel at a
time (the dispatcher's sender lease), and the one taking a channel over starts from the
sends recorded in the outbox, so the limits hold for the whole deployment.

A send counts from when the platform acknowledged it, not from when it was picked
(issue 18): a message that took long to arrive must not let the next one to its chat
arrive too soon after it. While a send is in flight it holds its place in the group and
overall windows (the platform may count it at any moment until it answers); when it
answers it is recorded at that instant plus `SAFETY`, in every window alike (so a chat
that waited its gap is not beaten to the overall window by chats behind it). A 429's
retry_after holds back that chat alone (`hold`).

A group's forum topics ('group:thread', issue 13) are the group's: they share its limits.
"""

from __future__ import annotations

from bisect import insort
from collections import Counter, deque
from datetime import datetime, timedelta

from notifications.senders import ChannelLimits

GROUP_WINDOW = timedelta(minutes=1)
OVERALL_WINDOW = timedelta(seconds=1)
# Added to a send's acknowledgement before it counts: what a clock's skew and the
# platform's own bookkeeping may take.
SAFETY = timedelta(milliseconds=25)


class Limiter:
    def __init__(self, limits: ChannelLimits) -> None:
        self.limits = limits
        self._last_to_chat: dict[str, datetime] = {}
        self._to_group: dict[str, deque[datetime]] = {}
        self._overall: deque[datetime] = deque()
        self._held: dict[str, datetime] = {}  # chat -> until (a 429's retry_after)
        self._flying: Counter[str] = Counter()  # chat -> sends not answered yet
        self._flying_groups: Counter[str] = Counter()

    def ready_at(self, chat_id: str, group: bool, now: datetime) -> datetime:
        """The earliest instant a message to this chat may go (now, or later)."""
        chat_id = paced_as(chat_id, group)
        ready = max(now, self._held.get(chat_id, now))
        if self.limits.per_chat and chat_id in self._last_to_chat:
            gap = timedelta(seconds=1 / self.limits.per_chat)
            ready = max(ready, self._last_to_chat[chat_id] + gap)
        windows: list[datetime | None] = []
        if group and self.limits.per_group:
            allowed = max(1, round(self.limits.per_group * GROUP_WINDOW.total_seconds()))
            allowed -= self._flying_groups[chat_id]
            sends = self._to_group.get(chat_id)
            windows.append(_window_free(sends, allowed, GROUP_WINDOW, now))
        if self.limits.overall:
            allowed = max(1, int(self.limits.overall)) - self._flying.total()
            windows.append(_window_free(self._overall, allowed, OVERALL_WINDOW, now))
        return max([ready, *(free for free in windows if free is not None)])

    def room(self, chat_id: str, now: datetime) -> int | None:
        """How many more sends a group's window takes now, counting those under way
        (None: no group limit); a group with less room than queued notices gets them
        combined (issue 18)."""
        chat_id = paced_as(chat_id, group=True)
        if not self.limits.per_group:
            return None
        allowed = max(1, round(self.limits.per_group * GROUP_WINDOW.total_seconds()))
        recent = [at for at in self._to_group.get(chat_id, ()) if at > now - GROUP_WINDOW]
        return max(0, allowed - len(recent) - self._flying_groups[chat_id])

    def begin(self, chat_id: str, group: bool) -> None:
        """A send to the chat is under way: it holds a place until `end`."""
        chat_id = paced_as(chat_id, group)
        self._flying[chat_id] += 1
        if group:
            self._flying_groups[chat_id] += 1

    def end(self, chat_id: str, group: bool, at: datetime) -> None:
        """The platform answered the send (whatever it said) at `at`."""
        chat_id = paced_as(chat_id, group)
        self.cancel(chat_id, group)
        self.record(chat_id, group, at)

    def cancel(self, chat_id: str, group: bool) -> None:
        """A send begun that never went (its claim failed): its place is free again."""
        chat_id = paced_as(chat_id, group)
        if self._flying[chat_id] > 0:
            self._flying[chat_id] -= 1
            if group and self._flying_groups[chat_id] > 0:
                self._flying_groups[chat_id] -= 1
        self._flying += Counter()  # drop the zeros
        self._flying_groups += Counter()

    def hold(self, chat_id: str, until: datetime, group: bool = False) -> None:
        """The platform asked us to wait (429 retry_after) before writing to this chat."""
        chat_id = paced_as(chat_id, group)
        self._held[chat_id] = max(until, self._held.get(chat_id, until))

    def record(self, chat_id: str, group: bool, taken: datetime) -> None:
        """A send the platform took at `taken` (also: what another process sent lately)."""
        chat_id = paced_as(chat_id, group)
        at = taken + SAFETY
        self._last_to_chat[chat_id] = max(at, self._last_to_chat.get(chat_id, at))
        if group:
            sends = self._to_group.setdefault(chat_id, deque())
            insort(sends, at)
            _trim(sends, at - GROUP_WINDOW)
        insort(self._overall, at)
        _trim(self._overall, at - OVERALL_WINDOW)
        if chat_id in self._held and self._held[chat_id] <= at:
            del self._held[chat_id]


def paced_as(chat_id: str, group: bool) -> str:
    """The chat a send counts against: a group's forum topic ('group:thread') is its group."""
    return chat_id.partition(":")[0] if group else chat_id


def _window_free(
    sends: deque[datetime] | None, allowed: int, window: timedelta, now: datetime
) -> datetime | None:
    """When the sliding window has room for one more send; None when it has room now.
    Sends in flight take places too: with every place taken by them, the window frees
    only when one answers (a window's length is as good a guess as any)."""
    if allowed <= 0:
        return now + window
    if sends is None or len(sends) < allowed:
        return None
    return sends[-allowed] + window


def _trim(sends: deque[datetime], before: datetime) -> None:
    while sends and sends[0] <= before:
        sends.popleft()
