"""File a new case: number it, grade it, route it, start its clocks, tell everyone.

A filing reads once (the customer, where to answer them, the repeat and collective
checks), builds the whole case in memory, then takes the month's serial and only writes:
the counter row stays locked until commit, so every concurrent filing waits on whatever
follows it. The case is inserted complete, so it is stored at version 1 (issue 12)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import notices
from conversations.base.i18n import language_of, translation
from conversations.base.policy import Step
from conversations.base.values import CaseKind, CaseStatus, EventKind, Urgency, Wanted
from handlers import deadlines
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.common import due_words, local_time, summary_of
from handlers.danger import alert_text
from handlers.desk import Desk
from handlers.grading import collective_reason, danger_words_in, raise_on_subject, threshold_grade
from handlers.lifecycle import Action, advance
from handlers.refusals import Refusal
from notifications.notices import Notifier
from storage.cases import CaseRepository, FilingFacts, TimelineRepository
from storage.deadlines import DeadlineRepository
from storage.models import Case
from storage.timeline_chain import seal_rows
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
    anonymous: bool = False  # no name given: staff never see one on it (issue 19)


def subject_key(new: NewCase) -> str | None:
    """What 'the same issue' is matched on: a product, building or order batch."""
    raw = new.subject or new.order_ref
    return " ".join(raw.casefold().split())[:200] if raw and raw.strip() else None


async def file_case(uow: UnitOfWork, desk: Desk, customer_id: int, new: NewCase) -> Case:
    _validate(desk, new)
    session, now = uow.session, desk.clock.now()
    since = now - timedelta(days=desk.policy.grading.collective_window_days)
    facts = await CaseRepository(session).filing_facts(
        customer_id, new.channel, new.category, subject_key(new), since
    )
    filing = _build(desk, customer_id, new, facts.repeat, now)
    await _grade_collectively(session, desk, filing, facts.others_on_subject + 1)
    _route(desk, filing)
    case = filing.case
    due = _deadline_rows(desk, case, now)
    case.number = await _number(session, desk, case)
    # Chained before the INSERT, so the case row is written once with its head (issue 15).
    events = seal_rows(case, [e.row(case, now) for e in filing.events])
    session.add(case)
    await session.flush()  # the one INSERT of the case: its id, for what refers to it
    supporting = desk.policy.category(case.category).supporting
    await CaseRepository(session).add_supporting(case.id, supporting)
    await TimelineRepository(session).append_many([{**e, "case_id": case.id} for e in events])
    await DeadlineRepository(session).add_many([{**row, "case_id": case.id} for row in due])
    first = min(row["due_at"] for row in due if row["escalation_level"] == 0)
    await _announce(session, desk, filing, facts, first)
    return case


@dataclass(frozen=True)
class _Event:
    """A timeline entry of the new case, written once the case has its id."""

    actor: Actor
    kind: EventKind
    visible: bool
    data: dict[str, Any]

    def row(self, case: Case, at: datetime) -> dict[str, Any]:
        return {
            "case_id": case.id,
            "at": at,
            "actor_kind": self.actor.kind,
            "actor_id": self.actor.id,
            "kind": self.kind.value,
            "customer_visible": self.visible,
            "data": self.data,
        }


@dataclass
class _Filing:
    """The case being filed, whole before its INSERT, with its timeline so far."""

    case: Case
    words: list[str]
    events: list[_Event] = field(default_factory=list)


def _build(desk: Desk, customer_id: int, new: NewCase, repeat: bool, now: datetime) -> _Filing:
    """The case as filed, graded by its words and routed (POLICY §2, §3)."""
    policy = desk.policy
    category = policy.category(new.category)
    case = Case(
        kind=new.kind,
        category=new.category,
        severity=policy.grading.grades[0],
        urgency=new.urgency,
        status=CaseStatus.RECEIVED,
        department=category.department,
        customer_id=customer_id,
        subject_key=subject_key(new),
        description=new.description,
        wanted=new.wanted,
        order_ref=new.order_ref,
        occurred_on=new.occurred_on,
        channel=new.channel,
        source=new.source,
        is_repeat=repeat,
        complainant_type=new.complainant_type or next(iter(policy.complainant_types)),
        confidential=new.confidential,
        anonymous=new.anonymous,
        created_at=now,
        updated_at=now,
        version=1,
    )
    filing = _Filing(case, danger_words_in(new.description, policy.grading))
    filed: dict[str, Any] = {"kind": new.kind.value}
    if new.anonymous:
        filed["anonymous"] = True
    filing.events.append(_Event(Actor.customer(customer_id), EventKind.FILED, True, filed))
    if repeat:  # the same customer again on the same subject: a second complaint (POLICY §2)
        raised = policy.grading.at_least(case.severity, policy.grading.second_complaint_grade)
        change = {"old": case.severity, "new": raised, "reason": "repeat"}
        filing.events.append(_Event(Actor.system(), EventKind.REGRADED, False, change))
        case.severity = raised
    if filing.words:
        case.proposed_severity = policy.grading.danger_grade
        data = {"grade": case.proposed_severity, "words": filing.words}
        filing.events.append(_Event(Actor.system(), EventKind.GRADE_PROPOSED, False, data))
    return filing


async def _grade_collectively(
    session: AsyncSession, desk: Desk, filing: _Filing, customers: int
) -> None:
    """Same category and subject from `customers` different customers, this one included:
    the new case and every open one of it rise together (POLICY §2)."""
    case, grading = filing.case, desk.policy.grading
    floor = threshold_grade(customers, grading.collective, grading)
    if case.subject_key is not None and floor is not None:
        reason = collective_reason(customers)
        await raise_on_subject(session, desk, case.category, case.subject_key, floor, reason)
        raised = grading.at_least(case.severity, floor)
        if raised != case.severity:
            data = {"old": case.severity, "new": raised, "reason": reason}
            filing.events.append(_Event(Actor.system(), EventKind.REGRADED, False, data))
            case.severity = raised


def _route(desk: Desk, filing: _Filing) -> None:
    """To the category's lead department, with its supporting ones (POLICY §3)."""
    case = filing.case
    advance(case, Action.ROUTE)
    supporting = desk.policy.category(case.category).supporting
    data: dict[str, Any] = {"department": case.department, "supporting": supporting}
    filing.events.append(_Event(Actor.system(), EventKind.ROUTED, False, data))


def _deadline_rows(desk: Desk, case: Case, now: datetime) -> list[dict[str, Any]]:
    """The clocks a new case starts: acknowledge, and answer or propose, with their
    warnings; investigate and resolve where configured for the case (POLICY §5)."""
    rows = []
    for step in (Step.ACKNOWLEDGE, _answer_step(case)):
        rows += deadlines.rows(desk, case, step, now)
    for step in (Step.INVESTIGATE, Step.RESOLVE):
        if deadlines.span_for(desk, case, step) is not None:
            rows += deadlines.rows(desk, case, step, now)
    return rows


async def _number(session: AsyncSession, desk: Desk, case: Case) -> str:
    """Take the month's next serial as late as possible: its counter row stays locked
    until commit, so everything done after this waits for every concurrent filing."""
    prefix = desk.policy.case_prefix
    period = case.created_at.astimezone(desk.calendar.zone).strftime("%Y%m")
    serial = await CaseRepository(session).next_serial(prefix, period)
    return f"{prefix}{period}-{serial:04d}"


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


def _answer_step(case: Case) -> Step:
    return Step.ANSWER if case.kind is CaseKind.INQUIRY else Step.PROPOSE


async def _announce(
    session: AsyncSession, desk: Desk, filing: _Filing, facts: FilingFacts, due: datetime
) -> None:
    """The receipt to the customer (first: they just pressed Submit and wait for it), the
    card to the department and the managers' alert for a serious grade or danger words;
    all from what the filing read before."""
    case, words, customer = filing.case, filing.words, facts.customer
    notifier = Notifier(session, desk.policy, desk.clock.now())
    code = language_of(customer.language, desk.policy.default_language)
    receipt = notices.case_received(translation(code), case.number, due_words(desk, code, due))
    address = (case.channel, facts.chat_id) if facts.chat_id is not None else None
    await notifier.customer_at(address, case, receipt, template="received", language=code)
    shown = summary_of(desk, case, customer.phone, local_time(desk, due), customer.name)
    await post_card(session, desk, case, shown)
    policy = desk.policy
    grading = policy.grading
    serious = grading.rank(case.severity) >= grading.rank(grading.managers_alerted_from)
    if serious or words:
        t, label = notifier.staff_language, grading.label(case.severity, policy.default_language)
        text = alert_text(desk, t, case, words) if words else notices.manager_alert(t, shown, label)
        await notifier.managers(case, text)
