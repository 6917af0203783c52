"""`complaintdesk cases verify`: every case's timeline checked against its hash chain."""

from __future__ import annotations

from itertools import groupby

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case, CaseEvent
from storage.timeline_chain import Break, check


async def chain_breaks(session: AsyncSession, number: str | None = None) -> tuple[int, list[Break]]:
    """How many cases were checked, and each break found (none: the timeline is as written)."""
    cases = select(Case.id, Case.number, Case.timeline_head).order_by(Case.id)
    if number is not None:
        cases = cases.where(Case.number == number)
    heads = {row.id: (row.number, row.timeline_head) for row in await session.execute(cases)}
    events = select(CaseEvent).order_by(CaseEvent.case_id, CaseEvent.id)
    if number is not None:
        events = events.where(CaseEvent.case_id.in_(list(heads)))
    found: list[Break] = []
    seen: set[int] = set()
    stream = (await session.scalars(events)).all()
    for case_id, rows in groupby(stream, key=lambda event: event.case_id):
        seen.add(case_id)
        case_number, head = heads[case_id]
        found += check(case_number, head, rows)
    for case_id, (case_number, head) in heads.items():
        if case_id not in seen:
            found += check(case_number, head, [])
    return len(heads), found
