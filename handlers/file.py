"""File a new case: number it, grade it, route it, start its clocks, tell everyone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import notices
from conversations.base.i18n import translation
from conversations.base.policy import Language, Step
from conversations.base.values import CaseKind, CaseStatus, EventKind, Urgency, Wanted
from conversations.notices import CaseSummary
from handlers import deadlines
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.common import due_words, summary
from handlers.desk import Desk
from handlers.grading import apply_collective_rule, danger_words_in
from handlers.lifecycle import Action, advance
from handlers.refusals import Refusal
from handlers.timeline import record
from notifications.notices import Notifier
from storage.cases import CaseRepository
from storage.models import Case
from storage.uow import UnitOfWork

MAX_DESCRIPTION = 20_000


@dataclass(frozen=True)
class NewCase:
    kind: CaseKind
    category: str
    description: str
    channel: str
    wanted: Wanted | None = None
    order_ref: str | None = None
    subject: str | None = None
    occurred_on: date | None = None
    urgency: Urgency = Urgency.NORMAL
    source: str | None = None
    complainant_type: str | None = None
    confidential: bool = False


def subject_key(new: NewCase) -> str | None:
    """What 'the same issue' is matched on: a product, building or order batch."""
    raw = new.subject or new.order_ref
    return " ".join(raw.casefold().split())[:200] if raw and raw.strip() else None


async def file_case(uow: UnitOfWork, desk: Desk, customer_id: int, new: NewCase) -> Case:
    _validate(desk, new)
    session, now = uow.session, desk.clock.now()
    case = await _create(session, desk, customer_id, new)
    actor = Actor.customer(customer_id)
    record(session, case, actor, EventKind.FILED, now, visible=True, kind=new.kind.value)
    words = danger_words_in(new.description, desk.policy.grading)
    if words:
        case.proposed_severity = desk.policy.grading.danger_grade
        record(
            session,
            case,
            Actor.system(),
            EventKind.GRADE_PROPOSED,
            now,
            visible=False,
            grade=case.proposed_severity,
            words=words,
        )
    await apply_collective_rule(session, desk, case, now)
    await _route(session, desk, case)
    first = deadlines.start(session, desk, case, Step.ACKNOWLEDGE, now)
    deadlines.start(session, desk, case, _answer_step(case), now)
    announcement = await _gather(session, desk, case, first.due_at)
    await _number(session, desk, case)
    await _announce(session, desk, case, announcement, words)
    return case


@dataclass(frozen=True)
class _Announcement:
    """What the filing's messages need from the database, read before the serial is
    taken: the counter row stays locked until commit, so after it the filing only writes."""

    language: Language
    customer_chat: tuple[str, str] | None
    summary: CaseSummary
    due: datetime


async def _gather(session: AsyncSession, desk: Desk, case: Case, due: datetime) -> _Announcement:
    notifier = Notifier(session, desk.policy, desk.clock.now())
    return _Announcement(
        language=await notifier.customer_language_code(case),
        customer_chat=await notifier.customer_address(case),
        summary=await summary(session, desk, case),
        due=due,
    )


async def _number(session: AsyncSession, desk: Desk, case: Case) -> None:
    """Take the month's next serial as late as possible: its counter row stays locked
    until commit, so everything done after this waits for every concurrent filing."""
    prefix = desk.policy.case_prefix
    period = case.created_at.astimezone(desk.calendar.zone).strftime("%Y%m")
    serial = await CaseRepository(session).next_serial(prefix, period)
    case.number = f"{prefix}{period}-{serial:04d}"
    await session.flush()


def _validate(desk: Desk, new: NewCase) -> None:
    if not new.description.strip():
        raise Refusal("file.empty_description")
    if len(new.description) > MAX_DESCRIPTION:
        raise Refusal("file.too_long", limit=MAX_DESCRIPTION)
    try:
        desk.policy.category(new.category)
    except KeyError:
        raise Refusal("file.unknown_category", category=new.category) from None
    if new.complainant_type and new.complainant_type not in desk.policy.complainant_types:
        raise Refusal("file.unknown_category", category=new.complainant_type)


async def _create(session: AsyncSession, desk: Desk, customer_id: int, new: NewCase) -> Case:
    now, policy = desk.clock.now(), desk.policy
    repository = CaseRepository(session)
    subject = subject_key(new)
    window = now - timedelta(days=policy.grading.collective_window_days)
    repeat = await repository.customer_raised_before(customer_id, new.category, subject, window)
    case = Case(
        number=f"~{uuid.uuid4().hex[:24]}",  # provisional, never committed: see _number
        kind=new.kind,
        category=new.category,
        severity=policy.grading.grades[0],
        urgency=new.urgency,
        status=CaseStatus.RECEIVED,
        department=policy.category(new.category).department,
        customer_id=customer_id,
        subject_key=subject,
        description=new.description,
        wanted=new.wanted,
        order_ref=new.order_ref,
        occurred_on=new.occurred_on,
        channel=new.channel,
        source=new.source,
        is_repeat=repeat,
        complainant_type=new.complainant_type or next(iter(policy.complainant_types)),
        confidential=new.confidential,
        created_at=now,
        updated_at=now,
    )
    return await repository.add(case)


async def _route(session: AsyncSession, desk: Desk, case: Case) -> None:
    """Route by category to the lead department, with its supporting ones (POLICY §3)."""
    category = desk.policy.category(case.category)
    advance(case, Action.ROUTE)
    await CaseRepository(session).add_supporting(case.id, category.supporting)
    record(
        session,
        case,
        Actor.system(),
        EventKind.ROUTED,
        desk.clock.now(),
        visible=False,
        department=case.department,
        supporting=category.supporting,
    )


def _answer_step(case: Case) -> Step:
    return Step.ANSWER if case.kind is CaseKind.INQUIRY else Step.PROPOSE


async def _announce(
    session: AsyncSession, desk: Desk, case: Case, prepared: _Announcement, words: list[str]
) -> None:
    notifier = Notifier(session, desk.policy, desk.clock.now())
    code = prepared.language
    receipt = notices.case_received(
        translation(code), case.number, due_words(desk, code, prepared.due)
    )
    await notifier.customer_at(
        prepared.customer_chat, case, receipt, template="received", language=code
    )
    shown = replace(prepared.summary, number=case.number)
    await post_card(session, desk, case, shown)
    grading = desk.policy.grading
    serious = grading.rank(case.severity) >= grading.rank(grading.managers_alerted_from)
    if serious or words:
        reason = ", ".join(words) or grading.label(case.severity, desk.policy.default_language)
        text = notices.manager_alert(notifier.staff_language, shown, reason)
        await notifier.managers(case, text)
