"""Queries about cases, their timeline and the monthly number counter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy import case as sql_case
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.values import CaseStatus, Validity
from storage.models import (
    Case,
    CaseCounter,
    CaseEvent,
    Customer,
    Deadline,
    Identity,
    SupportingDepartment,
    Survey,
)


@dataclass(frozen=True)
class CaseFilter:
    status: CaseStatus | None = None
    severity: str | None = None
    department: str | None = None
    overdue_at: datetime | None = None
    limit: int = 200


@dataclass(frozen=True)
class FilingFacts:
    """What filing a case reads, in one query: the customer's row (her language, phone
    and name), her chat on the case's channel; whether they raised this issue before (a
    repeat); how many other customers raised the same category and subject (the
    collective rule). Her row is held here so that the filing's notices find it in the
    session: staff are told without her name on an anonymous filing (issue 19) and
    without another read."""

    customer: Customer
    chat_id: str | None
    repeat: bool
    others_on_subject: int


MIN_PHONE_DIGITS = 4  # fewer digits match too many phones to mean anything


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, case_id: int) -> Case | None:
        return await self.session.get(Case, case_id)

    async def numbers(self, case_ids: Sequence[int]) -> dict[int, str]:
        """Case numbers by id, read as plain columns (a sweep names a row it may fail on)."""
        if not case_ids:
            return {}
        rows = await self.session.execute(
            select(Case.id, Case.number).where(Case.id.in_(set(case_ids)))
        )
        return {row.id: row.number for row in rows}

    async def by_number(self, number: str) -> Case | None:
        return await self.session.scalar(select(Case).where(Case.number == number))

    async def add(self, case: Case) -> Case:
        self.session.add(case)
        await self.session.flush()
        return case

    async def next_serial(self, prefix: str, period: str) -> int:
        """Take the next serial of the month in one statement; the counter row stays
        locked until commit, so concurrent filings queue and a rolled-back filing leaves
        no gap."""
        statement = _COUNTER[self.session.get_bind().dialect.name]
        serial = await self.session.scalar(statement, {"prefix": prefix, "period": period})
        assert serial is not None
        return int(serial)

    async def add_supporting(self, case_id: int, departments: Sequence[str]) -> None:
        """The supporting departments of a new case, in one statement (none: nothing)."""
        if departments:
            rows = [{"case_id": case_id, "department": d} for d in departments]
            await self.session.execute(_ADD_SUPPORTING, rows)

    async def supporting(self, case_id: int) -> list[str]:
        rows = await self.session.scalars(
            select(SupportingDepartment.department).where(SupportingDepartment.case_id == case_id)
        )
        return list(rows)

    async def filing_facts(
        self,
        customer_id: int,
        channel: str,
        category: str,
        subject_key: str | None,
        since: datetime,
    ) -> FilingFacts:
        """What a filing needs to know before it takes a serial (see `FilingFacts`);
        the repeat and collective checks look back to `since`. The ORM entity makes it
        flush first and is read afresh, so a phone set in this transaction is the one
        read."""
        values = {"customer": customer_id, "channel": channel, "category": category}
        values |= {"subject": subject_key, "since": since}
        query = _FACTS[subject_key is not None]
        row = (await self.session.execute(query, values)).one()
        return FilingFacts(row[0], row.chat, bool(row.repeat), int(row.others))

    async def open_on_subject(self, category: str, subject_key: str) -> Sequence[Case]:
        """The subject's open cases, locked in id order until commit: concurrent filings
        on one subject raise them in turn, on fresh versions, instead of deadlocking or
        failing the version check until their retries run out."""
        rows = await self.session.scalars(
            select(Case)
            .where(
                Case.category == category,
                Case.subject_key == subject_key,
                Case.status != CaseStatus.CLOSED,
            )
            .order_by(Case.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return rows.all()

    async def open_since(self, before: datetime, grades: Sequence[str]) -> Sequence[Case]:
        """Cases filed before `before`, not yet resolved, graded one of `grades`, and not
        found invalid: the candidates for the long-open raise."""
        if not grades:
            return []
        done = (CaseStatus.RESOLVED, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED)
        rows = await self.session.scalars(
            select(Case).where(
                Case.created_at < before,
                Case.status.not_in(done),
                Case.severity.in_(grades),
                or_(Case.validity.is_(None), Case.validity != Validity.INVALID),
            )
        )
        return rows.all()

    async def customer_raised_before(
        self, customer_id: int, category: str, subject_key: str | None, since: datetime
    ) -> bool:
        """Whether this customer already raised the same issue (a recurrence, POLICY §7)."""
        query = select(Case.id).where(
            Case.customer_id == customer_id,
            Case.category == category,
            Case.created_at >= since,
        )
        if subject_key is not None:
            query = query.where(Case.subject_key == subject_key)
        return await self.session.scalar(query.limit(1)) is not None

    async def listing(self, wanted: CaseFilter) -> Sequence[Case]:
        query = select(Case).order_by(Case.created_at.desc()).limit(wanted.limit)
        if wanted.status is not None:
            query = query.where(Case.status == wanted.status)
        if wanted.severity is not None:
            query = query.where(Case.severity == wanted.severity)
        if wanted.department is not None:
            query = query.where(Case.department == wanted.department)
        if wanted.overdue_at is not None:
            late = select(Deadline.case_id).where(
                Deadline.met_at.is_(None),
                Deadline.paused_at.is_(None),
                Deadline.escalation_level == 0,
                Deadline.due_at < wanted.overdue_at,
            )
            query = query.where(Case.id.in_(late))
        return (await self.session.scalars(query)).all()

    async def open_for_staff(
        self, staff_id: int, department: str
    ) -> list[tuple[Case, datetime | None]]:
        """Cases this person handles, and their department's untaken ones, by next due time."""
        next_due = (
            select(Deadline.case_id, func.min(Deadline.due_at).label("due"))
            .where(Deadline.met_at.is_(None), Deadline.escalation_level == 0)
            .group_by(Deadline.case_id)
            .subquery()
        )
        mine = Case.handler_id == staff_id
        untaken = (Case.department == department) & (Case.status == CaseStatus.ASSIGNED)
        rows = await self.session.execute(
            select(Case, next_due.c.due)
            .outerjoin(next_due, next_due.c.case_id == Case.id)
            .where(Case.status != CaseStatus.CLOSED, mine | untaken)
            .order_by(next_due.c.due.is_(None), next_due.c.due, Case.id)
        )
        return [(row[0], row[1]) for row in rows]

    async def search(
        self, text: str, department: str | None, *, identities: bool, limit: int = 10
    ) -> Sequence[Case]:
        """Newest cases whose number or order number contains `text`, or whose customer's
        phone or name does. `department` limits them to that department's cases (lead or
        supporting; None: all); without `identities`, confidential filers are never matched
        by phone or name, so a search cannot confirm who filed; an anonymous filing is never
        matched by name, whoever searches (issue 19: staff see her phone, not her name)."""
        phone = "".join(ch for ch in text if ch.isdigit())
        by_person = Customer.name.contains(text, autoescape=True) & Case.anonymous.is_(False)
        if len(phone) >= MIN_PHONE_DIGITS:
            by_person = by_person | Customer.phone.contains(phone, autoescape=True)
        if not identities:
            by_person = by_person & Case.confidential.is_(False)
        query = (
            select(Case)
            .join(Customer, Customer.id == Case.customer_id)
            .where(
                Case.number.contains(text, autoescape=True)
                | Case.order_ref.contains(text, autoescape=True)
                | by_person
            )
        )
        if department is not None:
            helping = select(SupportingDepartment.case_id).where(
                SupportingDepartment.department == department
            )
            query = query.where((Case.department == department) | Case.id.in_(helping))
        return (await self.session.scalars(query.order_by(Case.id.desc()).limit(limit))).all()

    async def count_overdue(self, now: datetime) -> int:
        """Open cases with a missed deadline that is neither met nor paused."""
        late = select(Deadline.case_id).where(
            Deadline.met_at.is_(None),
            Deadline.paused_at.is_(None),
            Deadline.escalation_level == 0,
            Deadline.due_at < now,
        )
        count = await self.session.scalar(
            select(func.count()).where(Case.id.in_(late), Case.status != CaseStatus.CLOSED)
        )
        return count or 0

    async def open_numbers(self, customer_id: int, limit: int = 3) -> list[str]:
        """The customer's cases not yet closed, newest first."""
        rows = await self.session.scalars(
            select(Case.number)
            .where(Case.customer_id == customer_id, Case.status != CaseStatus.CLOSED)
            .order_by(Case.id.desc())
            .limit(limit)
        )
        return list(rows)

    async def for_customer(self, customer_id: int) -> Sequence[Case]:
        rows = await self.session.scalars(
            select(Case).where(Case.customer_id == customer_id).order_by(Case.created_at.desc())
        )
        return rows.all()


def _facts(by_subject: bool) -> Select[Any]:
    """FilingFacts' query, built once per shape (with or without a subject to match)."""
    customer = bindparam("customer", type_=Integer)
    category = bindparam("category", type_=String)
    since = bindparam("since", type_=Case.created_at.type)
    chat = (
        select(Identity.external_id)
        .where(Identity.customer_id == customer, Identity.channel == bindparam("channel"))
        .order_by(Identity.id)
        .limit(1)
        .scalar_subquery()
    )
    recent = (Case.category == category) & (Case.created_at >= since)
    mine = recent & (Case.customer_id == customer)
    others: ColumnElement[int] = literal(0)
    if by_subject:
        subject = Case.subject_key == bindparam("subject")
        mine = mine & subject
        other_customer = sql_case((Case.customer_id != customer, Case.customer_id))
        others = (
            select(func.count(func.distinct(other_customer))).where(recent, subject)
        ).scalar_subquery()
    return (
        select(
            Customer,
            chat.label("chat"),
            exists().where(mine).label("repeat"),
            others.label("others"),
        )
        .where(Customer.id == customer)
        .execution_options(populate_existing=True)
    )


def _counter(dialect_insert: Any) -> Any:
    """The month's counter: created at 1 or moved on by 1, the serial returned."""
    table = _table(CaseCounter)
    return (
        dialect_insert(table)
        .values(prefix=bindparam("prefix"), period=bindparam("period"), last_serial=1)
        .on_conflict_do_update(
            index_elements=[table.c.prefix, table.c.period],
            set_={"last_serial": table.c.last_serial + 1},
        )
        .returning(table.c.last_serial)
    )


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


# Built once: the filing's statements are on the hot path (issue 12). Core inserts of
# plain rows: no objects to track and no ids read back.
_FACTS = {by_subject: _facts(by_subject) for by_subject in (False, True)}
_COUNTER = {"sqlite": _counter(sqlite_insert), "postgresql": _counter(pg_insert)}
_ADD_SUPPORTING = insert(_table(SupportingDepartment))
_APPEND_EVENTS = insert(_table(CaseEvent))


class SurveyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def to_remind(self, now: datetime, limit: int = 200) -> Sequence[Survey]:
        """Unanswered surveys whose reminder time has come and that were never reminded."""
        return (
            await self.session.scalars(
                select(Survey)
                .where(
                    Survey.answered_at.is_(None),
                    Survey.reminded_at.is_(None),
                    Survey.remind_at <= now,
                )
                .order_by(Survey.remind_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()


class TimelineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def append(self, event: CaseEvent) -> None:
        self.session.add(event)

    async def append_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """New events in one statement, no ids read back (see DeadlineRepository.add_many)."""
        if rows:
            await self.session.execute(_APPEND_EVENTS, list(rows))

    async def latest(self, case_ids: Sequence[int], kind: str) -> dict[int, datetime]:
        """When each of these cases last had an event of `kind` (cases without one left out)."""
        if not case_ids:
            return {}
        rows = await self.session.execute(
            select(CaseEvent.case_id, func.max(CaseEvent.at))
            .where(CaseEvent.case_id.in_(case_ids), CaseEvent.kind == kind)
            .group_by(CaseEvent.case_id)
        )
        return {row[0]: row[1] for row in rows}

    async def of_case(self, case_id: int, *, customer_view: bool = False) -> Sequence[CaseEvent]:
        query = select(CaseEvent).where(CaseEvent.case_id == case_id)
        if customer_view:
            query = query.where(CaseEvent.customer_visible.is_(True))
        return (await self.session.scalars(query.order_by(CaseEvent.id))).all()
