"""The retention sweep (issue 15): run by the desk's housekeeping loop every minute and by
`complaintdesk retention run`. It anonymises closed cases past their retention, finishes
the erasures waiting for a case to close, and deletes old dialogue state, processed update
ids, delivered outbox rows and closed cases' file references. Open cases are never
touched. What it did is one audit entry of counts (none when it did nothing). Each case
and each customer runs in its own savepoint: one that fails is logged and retried on the
next run, and the others go on (issue 11)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from conversations.base.retention import days_before, months_before
from handlers.desk import Desk
from handlers.personal_data import forget
from handlers.rows import Row, contained
from storage.audit import AuditLog
from storage.models import Case, Customer
from storage.retention import RetentionRepository, timeline_unlocked
from storage.uow import UnitOfWork


async def sweep_retention(uow: UnitOfWork, desk: Desk) -> dict[str, int]:
    """One pass; each kind limited to the configured batch, so a backlog drains over runs."""
    session, now, keep = uow.session, desk.clock.now(), desk.policy.retention
    repo = RetentionRepository(session)
    due = await repo.closed_to_anonymise(months_before(now, keep.closed_case_months), keep.batch)
    counts = {"cases_anonymised": await _anonymise(uow, desk, due, now)}
    erasing = await repo.forgetting(keep.batch)
    counts["customers_erased"] = sum([await _forget(uow, desk, c, now) for c in erasing])
    counts["attachments_deleted"] = await repo.delete_media(months_before(now, keep.media_months))
    counts["conversations_deleted"] = await repo.delete_conversations(
        days_before(now, keep.conversation_days)
    )
    counts["processed_updates_deleted"] = await repo.delete_processed_updates(
        days_before(now, keep.processed_update_days)
    )
    counts["outbox_deleted"] = await repo.delete_delivered(
        days_before(now, keep.delivered_outbox_days)
    )
    counts = {name: n for name, n in counts.items() if n}
    if counts:
        AuditLog(session).add(now, "retention_sweep", "system", counts=counts)
    return counts


async def _anonymise(uow: UnitOfWork, desk: Desk, due: Sequence[Case], now: datetime) -> int:
    if not due:
        return 0
    repo, done = RetentionRepository(uow.session), 0
    async with timeline_unlocked(uow.session, "retention"):
        for case in due:

            async def one(case: Case = case) -> bool:
                await repo.anonymise(case, now)
                return True

            row = Row("retention", f"case:{case.id}", f"case={case.number}")
            done += await contained(uow, desk.reported, row, one)
    return done


async def _forget(uow: UnitOfWork, desk: Desk, customer: Customer, now: datetime) -> bool:
    async def one() -> bool:
        return (await forget(uow.session, customer, now, "system")).erased

    row = Row("retention", f"customer:{customer.id}", f"customer={customer.id}")
    return await contained(uow, desk.reported, row, one)
