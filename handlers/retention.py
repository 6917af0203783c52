"""The retention sweep (issue 15): run by the desk's housekeeping loop every minute and by
`complaintdesk retention run`. It anonymises closed cases past their retention, finishes
the erasures waiting for a case to close, and deletes old dialogue state, processed update
ids, delivered outbox rows and closed cases' file references. Open cases are never
touched. What it did is one audit entry of counts (none when it did nothing)."""

from __future__ import annotations

from conversations.base.retention import days_before, months_before
from handlers.desk import Desk
from handlers.personal_data import forget
from storage.audit import AuditLog
from storage.retention import RetentionRepository, timeline_unlocked
from storage.uow import UnitOfWork


async def sweep_retention(uow: UnitOfWork, desk: Desk) -> dict[str, int]:
    """One pass; each kind limited to the configured batch, so a backlog drains over runs."""
    session, now, keep = uow.session, desk.clock.now(), desk.policy.retention
    repo = RetentionRepository(session)
    counts: dict[str, int] = {}
    due = await repo.closed_to_anonymise(months_before(now, keep.closed_case_months), keep.batch)
    if due:
        async with timeline_unlocked(session, "retention"):
            counts["events_rewritten"] = sum([await repo.anonymise(case, now) for case in due])
    counts["cases_anonymised"] = len(due)
    erasures = [await forget(session, c, now, "system") for c in await repo.forgetting(keep.batch)]
    counts["customers_erased"] = sum(1 for done in erasures if done.erased)
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
