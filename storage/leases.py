"""Leases: work that one process at a time may do, taken over when its holder stops."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialects import insert_for
from storage.models import Lease


async def hold(
    session: AsyncSession, name: str, holder: str, now: datetime, duration: timedelta
) -> bool:
    """Take or renew the lease until `now + duration`; False while another holder's runs."""
    return await take(session, name, holder, now, duration) is not None


async def take(
    session: AsyncSession, name: str, holder: str, now: datetime, duration: timedelta
) -> str | None:
    """Like `hold`, but says who held the lease before (us, when renewing; a process that
    stopped or died, when taking over), or None while another holder's runs."""
    insert = insert_for(session)
    await session.execute(
        insert(Lease).values(name=name, holder=holder, until=now).on_conflict_do_nothing()
    )
    lease = await session.scalar(select(Lease).where(Lease.name == name).with_for_update())
    assert lease is not None  # inserted above or already there
    if lease.holder != holder and lease.until > now:
        return None
    before = lease.holder
    lease.holder, lease.until = holder, now + duration
    return before


async def release(session: AsyncSession, name: str, holder: str, now: datetime) -> None:
    """Let another process take over at once (a clean stop)."""
    lease = await session.scalar(select(Lease).where(Lease.name == name).with_for_update())
    if lease is not None and lease.holder == holder:
        lease.until = now


async def current(session: AsyncSession, prefix: str, now: datetime) -> list[Lease]:
    """The leases named `prefix...` still running, by name (for operators)."""
    rows = await session.scalars(
        select(Lease).where(Lease.name.startswith(prefix), Lease.until > now).order_by(Lease.name)
    )
    return list(rows)
