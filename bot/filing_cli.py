"""`complaintdesk cases file`: a complaint taken by phone, at the counter, by letter or by
email, filed from the command line for the customer (issue 13, seed 001 首问负责制),
through the same use case as `/file`; the lines to print, with the receipt to read out
when the customer has no chat with the desk."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import App, prepare
from conversations.base.i18n import translation
from conversations.base.policy import Language
from conversations.base.values import ActorKind, CaseKind, Wanted
from conversations.intents import FileCase
from conversations.wording import refusal
from handlers.actors import Actor
from handlers.boundary import perform
from handlers.refusals import Refusal
from handlers.staff_file import Received, file_on_behalf
from storage.people import PeopleRepository
from storage.uow import UnitOfWork


class FilingRefused(Exception):
    """What is wrong with the command's options, said so the operator can fix it."""


@dataclass(frozen=True)
class CliFiling:
    via: str
    name: str
    phone: str
    category: str
    description: str
    wants: str | None = None
    order: str | None = None
    staff: str | None = None


async def file_for_customer(app: App, given: CliFiling) -> list[str]:
    """File it (schema and roster brought up to date first); the lines to print."""
    categories = [c.key for c in app.desk.policy.categories]
    if given.category not in categories:
        msg = f"unknown category {given.category!r}; known: {', '.join(categories)}"
        raise FilingRefused(msg)
    await prepare(app)
    filing = FileCase(
        kind=CaseKind.COMPLAINT,
        category=given.category,
        description=given.description,
        wanted=Wanted(given.wants) if given.wants else None,
        order_ref=given.order or None,
        name=given.name,
        phone=given.phone,
    )

    async def work(uow: UnitOfWork) -> Received:
        receiver = await _receiver(uow, given.staff)
        return await file_on_behalf(uow, app.desk, receiver, given.via, filing, "console")

    try:
        received = await perform(app.db, work, app.dispatcher.wake)
    except Refusal as refused:
        raise FilingRefused(
            refusal(translation(Language.EN), refused.key, refused.params)
        ) from None
    return _printed(received, given)


async def _receiver(uow: UnitOfWork, name: str | None) -> Actor:
    """The staff member named, who will own the case; the system when none is named."""
    if name is None:
        return Actor.system()
    staff = await PeopleRepository(uow.session).staff_by_name(name)
    if staff is None:
        msg = f"no staff member named {name!r} (names as in the roster or `cases show`)"
        raise FilingRefused(msg)
    if not staff.active:
        msg = f"{name}'s access was withdrawn (deactivated): name someone on the roster"
        raise FilingRefused(msg)
    return Actor(ActorKind.STAFF, staff.id, staff.name, staff.role, staff.department)


def _printed(received: Received, given: CliFiling) -> list[str]:
    case = received.case
    lines = [f"Filed {case.number} ({given.via}), routed to {case.department}."]
    if given.staff:
        lines.append(f"Received by {given.staff}, who owns it until the department takes it.")
    if received.messaged:
        lines.append("The receipt was sent to the customer's chat with the desk.")
    else:
        lines.append("The customer has no chat with the desk and was not messaged.")
        lines.append("Read out or write down this receipt for them:")
        lines.append(received.receipt)
    return lines
