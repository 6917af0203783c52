"""Group commit: concurrent write transactions of one SQLite process share one commit.

SQLite has one writer at a time and every durable commit waits for the disk. Updates that
arrive together (a getUpdates page's lanes, webhook requests at once) would queue on the
writer and each pay a commit. Here the first of them leads: every unit of work waiting
when a transaction begins joins it, each in its own savepoint, so each stays atomic (one
that raises rolls back alone and its caller sees the error at once); one commit serves
them all, and only after it does each caller get its result and its after-commit hooks
run. A failed commit fails every member, so none is acknowledged. A unit of work alone
in its transaction needs no savepoint (two statements saved: the common case when idle).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from storage.uow import AfterCommit, UnitOfWork, unit_of_work

if TYPE_CHECKING:
    from storage.engine import Database

log = logging.getLogger(__name__)
T = TypeVar("T")
MOST = 64  # members of one transaction: a bound on what one failed commit takes with it


@dataclass
class _Member:
    work: Callable[[UnitOfWork], Awaitable[Any]]
    done: asyncio.Future[Any]
    result: Any = None
    hooks: list[AfterCommit] = field(default_factory=list)


@dataclass(eq=False)  # one per database, compared and hashed by identity
class GroupCommit:
    """The queue of one process's write units of work on one SQLite database."""

    waiting: list[_Member] = field(default_factory=list)
    leader: asyncio.Task[None] | None = None

    async def run(self, db: Database, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """`work` in a savepoint of the next shared transaction; its result after the commit."""
        member = _Member(work, asyncio.get_running_loop().create_future())
        self.waiting.append(member)
        if self.leader is None or self.leader.done():
            self.leader = asyncio.create_task(self._lead(db))
        result: T = await member.done
        return result

    async def _lead(self, db: Database) -> None:
        while self.waiting:
            members, self.waiting = self.waiting[:MOST], self.waiting[MOST:]
            await _transaction(db, [m for m in members if not m.done.done()])


async def _transaction(db: Database, members: list[_Member]) -> None:
    if not members:
        return
    joined: list[_Member] = []
    try:
        async with unit_of_work(db) as uow:
            if len(members) == 1:  # alone: the transaction is its savepoint
                members[0].result = await members[0].work(uow)
                members[0].hooks = uow.after_commit
                uow.after_commit = []
                joined.append(members[0])
            else:
                for member in members:
                    if await _savepoint(uow, member):
                        joined.append(member)
    except BaseException as error:
        for member in members if len(members) == 1 else joined:
            if not member.done.done():
                member.done.set_exception(error)
        if not isinstance(error, Exception):
            raise
        return
    for member in joined:
        if not member.done.done():
            member.done.set_result(member.result)
        for hook in member.hooks:
            hook()


async def _savepoint(uow: UnitOfWork, member: _Member) -> bool:
    """Run one member in its own savepoint; False (and its caller told) when it raised."""
    if member.done.done():  # its caller stopped waiting (cancelled) before its turn
        return False
    own = UnitOfWork(uow.session)
    try:
        async with uow.session.begin_nested():
            member.result = await member.work(own)
    except Exception as error:
        if not member.done.done():
            member.done.set_exception(error)
        return False
    member.hooks = own.after_commit
    return True
