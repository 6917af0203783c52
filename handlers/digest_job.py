"""Send each recipient one digest a day, at the configured local time, even across restarts
and several processes: the day's run row is claimed in the same transaction."""

from __future__ import annotations

import base64

from handlers.desk import Desk
from notifications.digests import DigestContent, build_digest
from storage.digests import claim_digest
from storage.models import OutboxMessage
from storage.outbox import OutboxRepository
from storage.uow import UnitOfWork


async def send_due_digests(uow: UnitOfWork, desk: Desk, *, force: bool = False) -> int:
    """Queue today's digest for every recipient not yet served; `force` ignores the hour."""
    now, policy = desk.clock.now(), desk.policy
    local = now.astimezone(desk.calendar.zone)
    if not force and local.time() < policy.digest.send_time:
        return 0
    content: DigestContent | None = None
    sent = 0
    for recipient in policy.digest_recipients():
        key = f"{recipient.channel}:{recipient.chat}"
        if not await claim_digest(uow.session, key, local.date(), now):
            continue
        content = content or await build_digest(uow.session, policy, now)
        OutboxRepository(uow.session).enqueue(
            OutboxMessage(
                channel=recipient.channel,
                chat_id=recipient.chat,
                purpose="digest",
                payload={"text": content.text, "image": base64.b64encode(content.chart).decode()},
                not_before=now,
                created_at=now,
            )
        )
        sent += 1
    return sent
