"""The dispatcher's sends under way (issue 18): each a task of its own, so a slow chat
holds up only itself; the loop wakes when one answers, and lets them finish on its way out.
"""

from __future__ import annotations

import asyncio

from notifications.supervisor import Unrecoverable

STOP_GRACE = 5.0  # seconds a stopping dispatcher lets its sends answer and be recorded


def reap(flying: set[asyncio.Task[None]]) -> None:
    """Forget the sends that answered; a revoked token (Unrecoverable) stops the loop."""
    for task in [task for task in flying if task.done()]:
        flying.discard(task)
        if not task.cancelled() and isinstance(task.exception(), Unrecoverable):
            raise task.exception()  # type: ignore[misc]


async def finish(flying: set[asyncio.Task[None]]) -> None:
    """On the way out, let the sends under way answer and be recorded (a send cut off
    after it reached the platform is sent again by the next holder); then cut off the
    rest."""
    if flying:
        await asyncio.wait(flying, timeout=STOP_GRACE)
    for task in flying:
        task.cancel()
    await asyncio.gather(*flying, return_exceptions=True)


async def first_of(wake: asyncio.Event, flying: set[asyncio.Task[None]], seconds: float) -> None:
    """Until a wake, an answer to a send under way, or the timeout."""
    waiter = asyncio.create_task(wake.wait())
    try:
        await asyncio.wait({waiter, *flying}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)
