"""Errors that mean "another transaction got there first": run the work again, on fresh
data, rather than treat it as a bug."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

# PostgreSQL's deadlock and serialization failures: the database chose a victim.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def is_conflict(error: BaseException) -> bool:
    """An optimistic `version` clash or a database-chosen victim, not a fault of the row."""
    if isinstance(error, StaleDataError):
        return True
    if isinstance(error, DBAPIError):
        return getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES
    return False
