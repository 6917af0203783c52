"""Typical cases for training (seeds 000 §7, 003 §6.3): a manager marks a closed case
with its lesson; the export carries no names, contacts, order numbers or channel ids."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import intents as i
from conversations.base.messages import Reply
from conversations.base.privacy import anonymise
from conversations.base.values import CaseStatus, EventKind, Role
from handlers.access import require_role
from handlers.actors import Actor
from handlers.common import clean_text, load_case
from handlers.desk import Desk
from handlers.refusals import Refusal
from handlers.registry import Call, handles, staff_done
from handlers.timeline import record
from storage.cases import TimelineRepository
from storage.models import Case, TypicalCase
from storage.people import PeopleRepository
from storage.typical import marked_cases
from storage.uow import UnitOfWork


async def mark_typical(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, lesson: str) -> Case:
    require_role(actor, Role.MANAGER)
    case = await load_case(uow.session, number)
    if case.status is not CaseStatus.CLOSED:
        raise Refusal(
            "case.wrong_status", number=case.number, action="typical", status=case.status.value
        )
    now = desk.clock.now()
    await uow.session.merge(
        TypicalCase(case_id=case.id, lesson=clean_text(lesson), marked_by=actor.id, marked_at=now)
    )
    record(uow.session, case, actor, EventKind.MARKED_TYPICAL, now, visible=False)
    return case


async def export_typical(session: AsyncSession) -> list[dict[str, Any]]:
    """Every typical case, anonymised, oldest first; numbered afresh (TC-001, ...)."""
    exported = []
    for index, (case, typical) in enumerate(await marked_cases(session), start=1):
        secrets = await _personal_strings(session, case)
        events = await TimelineRepository(session).of_case(case.id)
        exported.append(
            {
                "ref": f"TC-{index:03d}",
                "kind": case.kind.value,
                "category": case.category,
                "grade": case.severity,
                "complainant_type": case.complainant_type,
                "wanted": case.wanted.value if case.wanted else None,
                "validity": case.validity.value if case.validity else None,
                "description": anonymise(case.description, secrets),
                "solution": anonymise(case.solution or "", secrets),
                "lesson": anonymise(typical.lesson, secrets),
                "reopened": case.reopen_count,
                "days_to_close": _days(case),
                "timeline": [
                    {"day": (e.at - case.created_at).days, "what": e.kind, "by": e.actor_kind.value}
                    for e in events
                ],
            }
        )
    return exported


async def _personal_strings(session: AsyncSession, case: Case) -> list[str]:
    people = PeopleRepository(session)
    customer = await people.customer(case.customer_id)
    strings = [case.order_ref or ""]
    if customer is not None:
        strings += [customer.name or "", customer.phone or ""]
        strings += [i.external_id for i in await people.identities_of_customer(customer.id)]
    return strings


def _days(case: Case) -> int | None:
    return (case.closed_at - case.created_at).days if case.closed_at else None


@handles(i.MarkTypical)
async def on_typical(call: Call, intent: i.MarkTypical) -> list[Reply]:
    return await staff_done(call, mark_typical, intent.number, intent.lesson)
