"""Split a getUpdates batch into lanes: updates that must take turns, in arrival order.

Two updates share a lane when they share a chat (the first press on a group's card wins,
as the staff saw it) or a sender (dispatch steps the sender's own conversation, so a
press in a group and a message in private must not overtake each other). Lanes share
neither, so they can be handled concurrently.
"""

from __future__ import annotations

from aiogram.types import Update

Key = tuple[str, int]


def lanes(batch: list[Update]) -> list[list[Update]]:
    """The batch's updates grouped into lanes, each in update_id order."""
    found: list[tuple[set[Key], list[Update]]] = []
    for update in sorted(batch, key=lambda u: u.update_id):
        keys = _keys(update)
        joined = [lane for lane in found if lane[0] & keys]
        found = [lane for lane in found if not lane[0] & keys]
        merged = sorted((u for _, members in joined for u in members), key=lambda u: u.update_id)
        found.append((keys.union(*(k for k, _ in joined)), [*merged, update]))
    return [members for _, members in found]


def _keys(update: Update) -> set[Key]:
    """The chat and the sender an update belongs to (an update with neither stands alone)."""
    keys: set[Key] = set()
    if update.message is not None:
        keys.add(("chat", update.message.chat.id))
        if update.message.from_user is not None:
            keys.add(("user", update.message.from_user.id))
    if update.callback_query is not None:
        keys.add(("user", update.callback_query.from_user.id))
        if update.callback_query.message is not None:
            keys.add(("chat", update.callback_query.message.chat.id))
    return keys or {("update", update.update_id)}
