"""Pacing sends to a platform's declared limits: per chat, per group, overall.

In-process: a dispatcher paces what it sends. Only one process sends on a channel at a
time (the dispatcher's sender lease), and the one taking a channel over starts from the
sends recorded in the outbox, so the limits hold for the whole deployment.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from notifications.senders import ChannelLimits

GROUP_WINDOW = timedelta(minutes=1)
OVERALL_WINDOW = timedelta(seconds=1)


class Limiter:
    def __init__(self, limits: ChannelLimits) -> None:
        self.limits = limits
        self._last_to_chat: dict[str, datetime] = {}
        self._to_group: dict[str, deque[datetime]] = {}
        self._overall: deque[datetime] = deque()

    def ready_at(self, chat_id: str, group: bool, now: datetime) -> datetime:
        """The earliest instant a message to this chat may go (now, or later)."""
        ready = now
        if self.limits.per_chat and chat_id in self._last_to_chat:
            gap = timedelta(seconds=1 / self.limits.per_chat)
            ready = max(ready, self._last_to_chat[chat_id] + gap)
        windows: list[datetime | None] = []
        if group and self.limits.per_group:
            allowed = max(1, round(self.limits.per_group * GROUP_WINDOW.total_seconds()))
            windows.append(_window_free(self._to_group.get(chat_id), allowed, GROUP_WINDOW))
        if self.limits.overall:
            allowed = max(1, int(self.limits.overall))
            windows.append(_window_free(self._overall, allowed, OVERALL_WINDOW))
        return max([ready, *(free for free in windows if free is not None)])

    def record(self, chat_id: str, group: bool, at: datetime) -> None:
        self._last_to_chat[chat_id] = at
        if group:
            sends = self._to_group.setdefault(chat_id, deque())
            sends.append(at)
            _trim(sends, at - GROUP_WINDOW)
        self._overall.append(at)
        _trim(self._overall, at - OVERALL_WINDOW)


def _window_free(sends: deque[datetime] | None, allowed: int, window: timedelta) -> datetime | None:
    """When the sliding window has room for one more send; None when it has room now."""
    if sends is None or len(sends) < allowed:
        return None
    return sends[-allowed] + window


def _trim(sends: deque[datetime], before: datetime) -> None:
    while sends and sends[0] <= before:
        sends.popleft()
