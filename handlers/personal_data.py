"""A customer's requests about their data (issue 15): /mydata sends what is held about
them, /forgetme (confirmed) anonymises their closed cases and erases their identity;
open cases are anonymised by the retention sweep once they close. Operators do the same
with `complaintdesk customers export|erase`. Each action is on the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from gettext import NullTranslations
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import intents as i
from conversations.base.i18n import translation
from conversations.base.messages import Document, Reply
from conversations.base.values import ActorKind, CaseStatus
from handlers.desk import Desk
from handlers.identify import Person
from handlers.refusals import Refusal
from handlers.registry import Call, handles
from handlers.views import customer_case
from storage.audit import AuditLog
from storage.cases import TimelineRepository
from storage.models import Customer, Identity
from storage.people import PeopleRepository
from storage.retention import RetentionRepository, timeline_unlocked


@dataclass(frozen=True)
class Forgotten:
    anonymised: int  # closed cases anonymised now
    still_open: int  # cases anonymised when they close
    erased: bool  # name, phone and identities gone


async def forget(session: AsyncSession, customer: Customer, now: datetime, actor: str) -> Forgotten:
    """Anonymise the customer's closed cases; erase them at once, or once the last open
    case closes (the retention sweep calls this again)."""
    repo = RetentionRepository(session)
    cases = await repo.cases_of(customer.id)
    closed = [c for c in cases if c.status is CaseStatus.CLOSED and c.anonymised_at is None]
    still_open = sum(1 for c in cases if c.status is not CaseStatus.CLOSED)
    if still_open and not closed and customer.forget_requested_at is not None:
        return Forgotten(0, still_open, erased=False)  # the sweep's check: nothing new
    if closed:
        async with timeline_unlocked(session, "erasure"):
            for case in closed:
                await repo.anonymise(case, now)
    identities = 0
    if still_open:
        customer.forget_requested_at = customer.forget_requested_at or now
    else:
        identities = await repo.erase(customer, now)
    action = "customer_erased" if not still_open else "customer_erasure_pending"
    AuditLog(session).add(
        now,
        action,
        actor,
        f"customer:{customer.id}",
        {"cases_anonymised": len(closed), "cases_open": still_open, "identities": identities},
    )
    return Forgotten(len(closed), still_open, not still_open)


async def held_about(session: AsyncSession, desk: Desk, person: Person, customer: Customer) -> str:
    """What is held about the customer, in their language: contacts, accounts, and each
    case as they see it (its status and timeline) with their own description."""
    t = translation(person.language)
    lines = [t.gettext("What we hold about you:")]
    lines += _contacts(
        t, customer, list(await PeopleRepository(session).identities_of_customer(customer.id))
    )
    for case in await RetentionRepository(session).cases_of(customer.id):
        lines += ["", (await customer_case(session, desk, person, case.number)).text]
        lines.append(t.gettext("Your description: {text}").format(text=case.description or "-"))
        if case.order_ref:
            lines.append(t.gettext("Order number: {order}").format(order=case.order_ref))
    return "\n".join(lines)


async def export_customer(
    session: AsyncSession, customer: Customer, now: datetime, actor: str = "operator"
) -> dict[str, Any]:
    """`complaintdesk customers export` and /mydata's file: one JSON document."""
    identities = await PeopleRepository(session).identities_of_customer(customer.id)
    timeline = TimelineRepository(session)
    cases = []
    for case in await RetentionRepository(session).cases_of(customer.id):
        seen = await timeline.of_case(case.id, customer_view=True)
        cases.append(
            {
                "number": case.number,
                "kind": case.kind.value,
                "status": case.status.value,
                "description": case.description,
                "order": case.order_ref,
                "wanted": case.wanted.value if case.wanted else None,
                "anonymous": case.anonymous,  # filed without her name: staff never see it
                "filed": case.created_at.isoformat(),
                "closed": case.closed_at.isoformat() if case.closed_at else None,
                "timeline": [{"at": e.at.isoformat(), "what": e.kind} for e in seen],
            }
        )
    AuditLog(session).add(now, "customer_export", actor, f"customer:{customer.id}")
    return {
        "customer": customer.id,
        "name": customer.name,
        "phone": customer.phone,
        "language": customer.language,
        "accounts": [f"{i.channel}:{i.external_id}" for i in identities],
        "cases": cases,
    }


def _contacts(t: NullTranslations, customer: Customer, identities: list[Identity]) -> list[str]:
    missing = t.gettext("not given")
    accounts = ", ".join(identity.channel for identity in identities) or missing
    return [
        t.gettext("Name: {name}").format(name=customer.name or missing),
        t.gettext("Phone: {phone}").format(phone=customer.phone or missing),
        t.gettext("Chat accounts: {accounts}").format(accounts=accounts),
    ]


async def _customer(session: AsyncSession, person: Person) -> Customer:
    if person.actor.kind is not ActorKind.CUSTOMER or person.actor.id is None:
        raise Refusal("customer.only")
    customer = await PeopleRepository(session).customer(person.actor.id)
    if customer is None:
        raise Refusal("customer.only")
    return customer


@handles(i.MyData)
async def on_my_data(call: Call, intent: i.MyData) -> list[Reply]:
    """A JSON file of what is held (as `customers export` writes it) and a line saying
    what it is; a channel that cannot send files sends the same in words instead."""
    session, t, now = call.uow.session, translation(call.person.language), call.desk.clock.now()
    customer = await _customer(session, call.person)
    held = await export_customer(session, customer, now, "customer")
    name = f"mydata-{now.astimezone(call.desk.calendar.zone).date().isoformat()}.json"
    words = await held_about(session, call.desk, call.person, customer)
    instead = t.gettext("A file cannot be sent here, so here is the same as text.")
    content = json.dumps(held, ensure_ascii=False, indent=2).encode()
    text = t.gettext(
        "The file {name} holds what we hold about you: your name, phone, chat accounts and "
        "each of your cases with its progress. Keep it safe: it is your personal data."
    ).format(name=name)
    return [Reply(text, document=Document(name, content, f"{instead}\n\n{words}"))]


@handles(i.ForgetMe)
async def on_forget_me(call: Call, intent: i.ForgetMe) -> list[Reply]:
    session, t = call.uow.session, translation(call.person.language)
    customer = await _customer(session, call.person)
    if not intent.confirmed:
        return [Reply(_warning(t))]
    done = await forget(session, customer, call.desk.clock.now(), "customer")
    if done.erased:
        text = t.gettext(
            "Done. Your name, phone and chat account are erased, and your words are removed "
            "from closed cases: {closed}. If you write to us again, we will not know you."
        )
    else:
        text = t.gettext(
            "Done for your closed cases: {closed}. Your open cases ({open}) will be "
            "anonymised when they close; until then we keep your contact to reach you."
        )
    return [Reply(text.format(closed=done.anonymised, open=done.still_open))]


def _warning(t: NullTranslations) -> str:
    return t.gettext(
        "This removes your name, phone and chat account from our records and your words "
        "from your closed cases; open cases are anonymised when they close. Case numbers "
        "and statistics stay. To go ahead, send: /forgetme yes"
    )
