"""A staff member found by name as the roster has it (issue 13: /assign, /away, the CLI).

Case is ignored; two people of one name are told apart as the desk shows them elsewhere
(`李雷 #3`, storage/people.staff_names), and either form is accepted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.messages import Reply
from conversations.base.policy import Policy
from handlers.refusals import Refusal
from notifications.notices import queue_replies
from storage.models import Staff
from storage.people import PeopleRepository

MAX_LISTED = 20  # a refusal lists at most this many candidates


def labels(people: Sequence[Staff]) -> list[str]:
    """How each person is named to others: their name, with the number when shared."""
    shared = {n for n, count in Counter(p.name.casefold() for p in people).items() if count > 1}
    return [f"{p.name} #{p.id}" if p.name.casefold() in shared else p.name for p in people]


def listed(people: Sequence[Staff]) -> str:
    names = labels(people)
    shown = ", ".join(names[:MAX_LISTED])
    return f"{shown}, …" if len(names) > MAX_LISTED else shown or "-"


def pick(people: Sequence[Staff], wanted: str, unknown: str, **params: Any) -> Staff:
    """The one person in `people` called `wanted`; otherwise a refusal listing who is
    (`unknown`: the key saying no one of that name may be chosen here)."""
    said = " ".join(wanted.split())
    wanted = said.casefold()
    same = [p for p in people if p.name.casefold() == wanted]
    if len(same) == 1:
        return same[0]
    for person, label in zip(people, labels(people), strict=True):
        if label.casefold() == wanted:
            return person
    if same:
        raise Refusal("staff.ambiguous", person=same[0].name, names=listed(same))
    raise Refusal(unknown, person=said, names=listed(people), **params)


async def tell_staff(session: AsyncSession, staff_id: int, text: str, now: datetime) -> None:
    """A message about no single case to a person's private chats (every channel)."""
    for identity in await PeopleRepository(session).identities_of_staff(staff_id):
        await queue_replies(session, identity.channel, identity.external_id, [Reply(text)], now)


async def tell_department(
    session: AsyncSession, policy: Policy, department: str, text: str, now: datetime
) -> None:
    """The same to the department's group chats."""
    for channel, chat_id in policy.department(department).chats.items():
        await queue_replies(session, channel, chat_id, [Reply(text)], now)
