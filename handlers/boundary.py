"""The transaction boundary of every use case: one unit of work, retried on conflict.

Optimistic concurrency (the case `version`) makes the slower of two simultaneous changes
fail at flush. Rather than surface that, the whole use case runs again on fresh data, so
its own guards give the real answer ("already taken by Li Lei").
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from handlers.refusals import Refusal
from storage.conflicts import RETRYABLE_SQLSTATES
from storage.engine import Database
from storage.uow import AfterCommit, UnitOfWork, unit_of_work

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 3
RETRYABLE = RETRYABLE_SQLSTATES  # the database chose a victim; run again


async def perform(
    db: Database,
    work: Callable[[UnitOfWork], Awaitable[T]],
    after_commit: AfterCommit | None = None,
    *,
    join: bool = False,
) -> T:
    """`work` in one transaction, run again on a conflict. `join`: it may share its
    transaction (a savepoint of its own) and its commit with the other writers waiting
    (SQLite's group commit, storage/group.py); its result still comes after the commit."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await _once(db, work, after_commit, join)
        except StaleDataError:
            log.info("optimistic_conflict attempt=%s", attempt)
        except DBAPIError as error:
            state = getattr(error.orig, "sqlstate", None)
            if state not in RETRYABLE:
                raise
            log.info("transaction_conflict attempt=%s sqlstate=%s", attempt, state)
    raise Refusal("case.busy")


async def _once(
    db: Database,
    work: Callable[[UnitOfWork], Awaitable[T]],
    after_commit: AfterCommit | None,
    join: bool,
) -> T:
    async def hooked(uow: UnitOfWork) -> T:
        if after_commit is not None:
            uow.after_commit.append(after_commit)
        return await work(uow)

    if join and db.group is not None:
        return await db.group.run(db, hooked)
    async with unit_of_work(db) as uow:
        return await hooked(uow)
