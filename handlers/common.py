"""Helpers the use cases share: loading a case, naming people, showing due times."""

from __future__ import annotations

from datetime import datetime
from gettext import NullTranslations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.i18n import translation
from conversations.base.policy import Language
from conversations.base.privacy import for_staff, mask_phone
from conversations.base.timewords import when
from conversations.base.values import Urgency
from conversations.notices import CaseSummary
from handlers.desk import Desk
from handlers.refusals import Refusal
from storage.cases import CaseRepository
from storage.deadlines import DeadlineRepository
from storage.models import Case
from storage.people import PeopleRepository

MAX_TEXT = 4000


def clean_text(value: str, limit: int = MAX_TEXT) -> str:
    """Staff or customer free text: trimmed, not empty, not longer than `limit`."""
    value = value.strip()
    if not value:
        raise Refusal("input.empty")
    if len(value) > limit:
        raise Refusal("input.too_long", limit=limit)
    return value


async def load_case(session: AsyncSession, number: str) -> Case:
    case = await CaseRepository(session).by_number(number.strip().upper())
    if case is None:
        raise Refusal("case.not_found")
    return case


async def staff_name(session: AsyncSession, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    staff = await PeopleRepository(session).staff(staff_id)
    return staff.name if staff else None


def local_time(desk: Desk, instant: datetime) -> str:
    return instant.astimezone(desk.calendar.zone).strftime("%Y-%m-%d %H:%M")


async def next_due_text(session: AsyncSession, desk: Desk, case: Case) -> str:
    deadline = await DeadlineRepository(session).next_due(case.id)
    return local_time(desk, deadline.due_at) if deadline else "-"


def due_words(desk: Desk, language: Language, instant: datetime) -> str:
    """A due time as the reader would say it, in the business time zone."""
    return when(translation(language), language, instant, desk.clock.now(), desk.calendar.zone)


def customer_shown(t: NullTranslations, case: Case, name: str | None) -> str:
    """The customer's name as staff read it: "anonymous" on a case filed without one,
    whoever reads it, managers too (issue 19: a platform's display name is stored
    anyway); "-" when none is known."""
    return t.gettext("anonymous") if case.anonymous else name or "-"


def withheld(case: Case, name: str | None) -> tuple[str | None, ...]:
    """What staff never read in the customer's words: an anonymous filer's stored name."""
    return (name,) if case.anonymous else ()


async def summary(session: AsyncSession, desk: Desk, case: Case) -> CaseSummary:
    """What staff alerts show about a case, with the contact masked (POLICY §8)."""
    customer = await PeopleRepository(session).customer(case.customer_id)
    phone, name = (customer.phone, customer.name) if customer else (None, None)
    return summary_of(desk, case, phone, await next_due_text(session, desk, case), name)


def summary_of(
    desk: Desk, case: Case, phone: str | None, due: str, name: str | None = None
) -> CaseSummary:
    """`summary` from what the caller holds: the customer's phone, the next due time and
    her stored name (withheld on an anonymous filing)."""
    language, regions = desk.policy.default_language, desk.policy.privacy.phone_regions
    return CaseSummary(
        number=case.number,
        kind=case.kind.value,
        category=desk.policy.category(case.category).names.get(language, case.category),
        severity=desk.policy.grading.label(case.severity, language),
        department=case.department,
        description=for_staff(
            case.description,
            confidential=case.confidential,
            known=(phone,),
            regions=regions,
            withheld=withheld(case, name),
        ),
        # A confidential filer is not even hinted at in group chats (seed 002, 举报人保密).
        masked_phone="" if case.confidential else mask_phone(phone, regions),
        due=due,
        urgent=case.urgency is Urgency.URGENT,
    )
