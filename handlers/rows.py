"""One bad row never stops a sweep (issue 11, STYLE habit 14, DESIGN §2.5).

Each row's work runs in a savepoint: an unexpected error or a refusal rolls back that row
only, the row is parked where it has a field for it, the fault is logged once per row per
process, and the sweep goes on. Faults of the whole transaction (a deadlock, a
serialization failure, an optimistic conflict, a lost connection) are raised instead, so
`perform` runs the whole sweep again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from handlers.refusals import Refusal
from storage.conflicts import is_conflict
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

Park = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Row:
    """Which row of which sweep: `key` is stable across rounds, `label` is what the log names
    (`case=TS202611-0001`, `recipient=telegram:-100123`)."""

    sweep: str
    key: str
    label: str


class Reported:
    """The rows whose fault this process has logged: a row that fails every minute is logged
    once. One per process, kept on the Desk the sweeps are given."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()

    def first(self, row: Row) -> bool:
        """True the first time this row's fault is seen."""
        seen = (row.sweep, row.key) in self._seen
        self._seen.add((row.sweep, row.key))
        return not seen

    def cleared(self, row: Row) -> None:
        """The row succeeded: a later fault is news again."""
        self._seen.discard((row.sweep, row.key))

    def forget(self) -> None:
        self._seen.clear()


async def contained(
    uow: UnitOfWork,
    reported: Reported,
    row: Row,
    work: Callable[[], Awaitable[bool]],
    park: Park | None = None,
) -> bool:
    """Run one row's work in a savepoint; its result, or False when it failed and was
    rolled back (then parked by `park`, in a savepoint of its own, if given)."""
    try:
        async with uow.session.begin_nested():
            done = await work()
    except Exception as error:
        if sweep_wide(error):
            raise
        parked = park is not None and await _parked(uow, park)
        if reported.first(row):
            _report(row, error, parked)
        return False
    reported.cleared(row)
    return done


def sweep_wide(error: Exception) -> bool:
    """Errors of the transaction, not of the row: the whole sweep must run again."""
    lost = isinstance(error, DBAPIError) and error.connection_invalidated
    return is_conflict(error) or lost


async def _parked(uow: UnitOfWork, park: Park) -> bool:
    """Park the failed row so it does not come back; a park that fails leaves it to the
    log-once set (the row is tried again next round, quietly)."""
    try:
        async with uow.session.begin_nested():
            await park()
    except Exception as error:
        if sweep_wide(error):
            raise
        return False
    return True


def _report(row: Row, error: Exception, parked: bool) -> None:
    name = type(error).__name__
    if isinstance(error, Refusal):  # an expected 'no', not a bug: no traceback
        log.warning(
            "sweep_row_failed sweep=%s %s error=%s key=%s parked=%s",
            row.sweep,
            row.label,
            name,
            error.key,
            parked,
        )
        return
    log.error(
        "sweep_row_failed sweep=%s %s error=%s parked=%s",
        row.sweep,
        row.label,
        name,
        parked,
        exc_info=error,
    )
