"""Send each recipient one digest a day, at the configured local time, even across restarts
and several processes: the day's run row is claimed in the same transaction. A desk that
was down at the hour sends the day's digest on its first sweep after starting (a sweep
runs before its first sleep); days missed before today are not sent (issue 17)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from functools import partial

from conversations.base.policy import Recipient
from conversations.base.values import Purpose
from handlers.desk import Desk
from handlers.rows import Row, contained
from notifications.digests import DigestContent, build_digest
from storage.digests import claim_digest
from storage.models import OutboxMessage
from storage.outbox import OutboxRepository
from storage.uow import UnitOfWork


async def send_due_digests(uow: UnitOfWork, desk: Desk, *, force: bool = False) -> int:
    """Queue today's digest for every recipient not yet served; `force` ignores the hour.
    A recipient whose digest fails keeps its day's claim, so it is not retried every
    minute; the fault is logged once (issue 11)."""
    now = desk.clock.now()
    local = now.astimezone(desk.calendar.zone)
    if not force and local.time() < desk.policy.digest.send_time:
        return 0
    built = _Built(local.date())
    sent = 0
    for recipient in desk.policy.digest_recipients():
        key = f"{recipient.channel}:{recipient.chat}"
        row = Row("send_due_digests", f"{key}:{built.day}", f"recipient={key}")
        work = partial(_queue_digest, uow, desk, recipient, built)
        park = partial(claim_digest, uow.session, key, built.day, now)
        sent += await contained(uow, desk.reported, row, work, park)
    return sent


@dataclass
class _Built:
    """The day's digest, built once for all recipients (and only if one is due)."""

    day: date
    content: DigestContent | None = None


async def _queue_digest(uow: UnitOfWork, desk: Desk, recipient: Recipient, built: _Built) -> bool:
    now = desk.clock.now()
    key = f"{recipient.channel}:{recipient.chat}"
    if not await claim_digest(uow.session, key, built.day, now):
        return False
    built.content = built.content or await build_digest(uow.session, desk.policy, now)
    content = built.content
    OutboxRepository(uow.session).enqueue(
        OutboxMessage(
            channel=recipient.channel,
            chat_id=recipient.chat,
            purpose=Purpose.DIGEST,
            payload={"text": content.text, "image": base64.b64encode(content.chart).decode()},
            not_before=now,
            created_at=now,
        )
    )
    return True
