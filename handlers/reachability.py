"""A customer who blocked the bot: marked unreachable; their cases go on, staff are told."""

from __future__ import annotations

from conversations import notices
from conversations.base.values import EventKind
from handlers.actors import Actor
from handlers.desk import Desk
from handlers.timeline import record
from notifications.notices import Notifier
from storage.cases import CaseRepository
from storage.people import PeopleRepository
from storage.uow import UnitOfWork


class MarkUnreachable:
    """The dispatcher's UnreachableHandler, wired in bot/app.py."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def __call__(self, uow: UnitOfWork, channel: str, chat_id: str) -> None:
        people = PeopleRepository(uow.session)
        identity = await people.identity(channel, chat_id)
        if identity is None or identity.customer_id is None:
            return
        customer = await people.customer(identity.customer_id)
        if customer is None or customer.unreachable_since is not None:
            return
        now = self.desk.clock.now()
        customer.unreachable_since = now
        notifier = Notifier(uow.session, self.desk.policy, now)
        for case in await CaseRepository(uow.session).for_customer(customer.id):
            if case.channel != channel or case.closed_at is not None:
                continue
            record(
                uow.session,
                case,
                Actor.system(),
                EventKind.CUSTOMER_UNREACHABLE,
                now,
                visible=False,
                channel=channel,
            )
            text = notices.customer_unreachable(notifier.staff_language, case.number, channel)
            await notifier.department(case, case.department, text)
