"""The unit of work: the only place in the code that commits (STYLE habit 3)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from storage.engine import Database

AfterCommit = Callable[[], None]


@dataclass
class UnitOfWork:
    """A session plus what to do once its transaction has committed (e.g. wake the outbox)."""

    session: AsyncSession
    after_commit: list[AfterCommit] = field(default_factory=list)


@asynccontextmanager
async def unit_of_work(db: Database, *, readonly: bool = False) -> AsyncIterator[UnitOfWork]:
    """One transaction: commit on success, roll back on error, then run after-commit hooks.

    Hooks are dropped on rollback, so nothing announces a change that did not happen.
    """
    queue = db.writer if db.writer is not None and not readonly else contextlib.nullcontext()
    async with queue, db.sessions() as session:
        if readonly:
            await session.connection(execution_options={"readonly": True})
        uow = UnitOfWork(session)
        try:
            yield uow
            if not readonly:
                await session.commit()
            # A read ends with the session's close, which detaches objects with their
            # loaded values; a rollback would expire them first.
        except BaseException:
            await session.rollback()
            raise
    for hook in uow.after_commit:
        hook()
