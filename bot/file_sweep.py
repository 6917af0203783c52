"""Deleting the stored files nothing names any more (issue 13, for issue 15's retention
and erasure): the retention sweep and /forgetme delete attachment rows, and the copies
in the file store go after them, so an erased customer's photos do not stay on disk.

A file is kept while an attachment or a message waiting to go names it, and for a
`grace` after it was written (a download is stored before its update commits). The sweep
runs with the housekeeping sweeps but does its work at most every `every`: it reads
every stored path in use, which is not a query for each minute.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.files import FileStore
from handlers.desk import Desk
from storage.attachments import AttachmentRepository
from storage.outbox import OutboxRepository
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
GRACE = timedelta(days=1)
EVERY = timedelta(hours=1)


class SweepFiles:
    __name__ = "sweep_files"  # how the housekeeping loop names a sweep in its logs

    def __init__(self, store: FileStore, grace: timedelta = GRACE, every: timedelta = EVERY):
        self.store, self.grace, self.every = store, grace, every
        self.next_at: datetime | None = None

    async def __call__(self, uow: UnitOfWork, desk: Desk) -> int:
        """How many files were deleted (0 when it was not yet time)."""
        now = desk.clock.now()
        if self.next_at is not None and now < self.next_at:
            return 0
        self.next_at = now + self.every
        in_use = await AttachmentRepository(uow.session).stored_paths()
        in_use |= await OutboxRepository(uow.session).waiting_media_paths()
        before = (now - self.grace).timestamp()
        removed = await asyncio.to_thread(self.store.remove_unused, in_use, before)
        if removed:
            log.info("files_swept removed=%s kept=%s", removed, len(in_use))
        return removed
