"""First-contact ownership (seed 001 首问负责制, issue 13): a staff member files a complaint
taken by phone, at the counter, by letter or by email for the customer, and owns it until
the department takes it (handlers/take.py tells them when it does).

The case goes through handlers/file.py like any other (grading, routing, deadlines, the
department card), with the way it came as its channel. The customer is the one with the
same contact, else a new record with no chat; the receipt goes to their chat when they
have one with the desk, otherwise the receiver reads it out or writes it down."""

from __future__ import annotations

from dataclasses import dataclass

from conversations import intents as i
from conversations import notices
from conversations.base.i18n import language_of, translation
from conversations.base.messages import Reply
from conversations.base.parsing import clean, plausible_name
from conversations.base.values import ActorKind, CaseKind, EventKind, Via
from conversations.staff_filing import ANONYMOUS, contact_in, filed
from handlers import danger
from handlers.access import require_staff
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.common import due_words
from handlers.customer import attach
from handlers.desk import Desk
from handlers.file import NewCase, file_case
from handlers.refusals import Refusal
from handlers.registry import Call, handles
from handlers.timeline import record
from notifications.notices import Notifier
from storage.contacts import ContactRepository, Known
from storage.deadlines import DeadlineRepository
from storage.models import Case, Customer
from storage.people import PeopleRepository
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Received:
    """The case filed, and its receipt in the customer's language; `messaged` when it
    was queued to their chat (otherwise the receiver hands it on)."""

    case: Case
    receipt: str
    messaged: bool


async def file_on_behalf(
    uow: UnitOfWork, desk: Desk, receiver: Actor, via: str, filing: i.FileCase, channel: str
) -> Received:
    """`receiver` is the staff member who took it (the system for an operator's
    `cases file` naming nobody); `channel` is where any photos' platform ids come from."""
    if receiver.kind is not ActorKind.SYSTEM:
        await require_active(uow, receiver)
    name, contact = _checked(via, filing)
    known = await _customer(uow, desk, name, contact)
    new = NewCase(
        kind=CaseKind.COMPLAINT,
        category=filing.category,
        description=filing.description,
        channel=via,
        wanted=filing.wanted,
        order_ref=filing.order_ref,
        occurred_on=filing.occurred_on,
        source=via,
        anonymous=name is None,  # "-" for the name: no stored name shown to staff
        urgency=danger.urgency_of(filing.description, desk.policy.grading),
    )
    case = await file_case(uow, desk, known.customer.id, new)
    attach(uow.session, case, channel, filing.media, desk)
    if receiver.id is not None:  # the card, posted by the filing, names who has it now
        case.received_by_id = case.handler_id = receiver.id
        await post_card(uow.session, desk, case)
    record(
        uow.session, case, receiver, EventKind.RECEIVED_BY_STAFF, desk.clock.now(),
        visible=False, via=via, staff=receiver.name or None,
    )  # fmt: skip
    return await _receipt(uow, desk, case, known)


async def require_active(uow: UnitOfWork, actor: Actor) -> None:
    """Staff on the roster now: a deactivated person's old chat or name files nothing."""
    require_staff(actor)
    staff = await PeopleRepository(uow.session).staff(actor.id or 0)
    if staff is None or not staff.active:
        raise Refusal("access.withdrawn")


def _checked(via: str, filing: i.FileCase) -> tuple[str | None, str | None]:
    """The way it came, the name and the contact, as the dialogue would take them (the
    command line gives them unchecked)."""
    if via not in set(Via):
        raise Refusal("staff_file.via", ways=", ".join(Via))
    name = clean(filing.name or "")
    if name in {"", ANONYMOUS}:
        name = ""
    elif not plausible_name(name):
        raise Refusal("staff_file.name")
    if filing.phone is None or clean(filing.phone) in {"", ANONYMOUS}:
        return name or None, None
    contact = contact_in(clean(filing.phone), email=via == Via.EMAIL)
    if contact is None:
        raise Refusal("staff_file.contact")
    return name or None, contact


async def _customer(uow: UnitOfWork, desk: Desk, name: str | None, contact: str | None) -> Known:
    """The customer with this contact (a name told now replaces the stored one), else a
    new one with no chat identity."""
    known = await ContactRepository(uow.session).by_contact(contact) if contact else None
    if known is not None:
        if name and name != known.customer.name:
            known.customer.name = name
        return known
    customer = Customer(name=name, phone=contact, created_at=desk.clock.now())
    await PeopleRepository(uow.session).add(customer)
    return Known(customer, None)


async def _receipt(uow: UnitOfWork, desk: Desk, case: Case, known: Known) -> Received:
    """The number and when the next step is due, in the customer's language (the desk's
    when unknown); queued to their chat when they have one."""
    session = uow.session
    code = language_of(known.customer.language, desk.policy.default_language)
    due = await DeadlineRepository(session).next_due(case.id)
    when = due_words(desk, code, due.due_at) if due else "-"
    receipt = notices.case_received(translation(code), case.number, when)
    chat = known.chat
    address = (chat.channel, chat.external_id) if chat is not None else None
    notifier = Notifier(session, desk.policy, desk.clock.now())
    sent = await notifier.customer_at(address, case, receipt, template="received", language=code)
    return Received(case, receipt, sent)


@handles(i.FileOnBehalf)
async def on_file_on_behalf(call: Call, intent: i.FileOnBehalf) -> list[Reply]:
    received = await file_on_behalf(
        call.uow, call.desk, call.actor, intent.via, intent.filing, call.channel
    )
    t = translation(call.person.language)
    shown = None if received.messaged else received.receipt
    return [Reply(filed(t, received.case.number, shown))]
