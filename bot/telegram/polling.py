"""Long polling that acknowledges only what is committed (STYLE habit 13, DESIGN §2).

Asking getUpdates for offset N tells Telegram every update below N is done, and Telegram
never sends those again. aiogram's `start_polling` asks for the next offset while the
previous batch is still being handled in tasks, so a crash in between loses a customer's
message for good. Here a batch is handled (chats concurrently, each chat's updates in
order), every update's dispatch has committed, and only then is the next offset asked
for. An update whose handling raised (the database is down) is not acknowledged: the
loop backs off and fetches it again; processed_updates makes the committed ones no-ops.
On SQLite the lanes' updates, reaching dispatch together, share one transaction and one
durable commit, each in its own savepoint (storage/group.py), so a page of many chats
costs about one commit, not one per update.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramConflictError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import Update

from bot.telegram.lanes import lanes
from notifications.supervisor import Unrecoverable

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]
LONG_POLL_SECONDS = 30  # how long Telegram holds getUpdates open when there is nothing new
# A process restarted at once meets 409 while Telegram still holds the previous process's
# long poll open (at most LONG_POLL_SECONDS); only a conflict that outlasts it is another
# poller or a webhook set meanwhile.
CONFLICT_PATIENCE = LONG_POLL_SECONDS + 10
Handle = Callable[[Update], Awaitable[object]]
Sleep = Callable[[float], Awaitable[None]]
Beat = Callable[[], None]
T = TypeVar("T")


@dataclass
class Backoff:
    """Exponential delays with full jitter, so restarted pollers do not retry in step."""

    first: float = 1.0
    cap: float = 60.0
    attempt: int = 0

    def next(self) -> float:
        self.attempt += 1
        return random.uniform(0, min(self.cap, self.first * 2**self.attempt))

    def reset(self) -> None:
        self.attempt = 0


@dataclass
class Poller:
    """getUpdates -> handle every update -> commit -> the next offset, until cancelled.

    Cancelling it (a clean stop) ends the loop without asking for the next offset, so
    unfinished updates are fetched again by the next process."""

    bot: Bot
    handle: Handle
    sleep: Sleep = asyncio.sleep
    offset: int | None = None  # None: from the oldest update Telegram still holds
    beat: Beat = lambda: None  # a round ended with every fetched update committed
    # Apart, so that a database outage backs off longer and longer while getUpdates works.
    network: Backoff = field(default_factory=Backoff)
    refetch: Backoff = field(default_factory=Backoff)
    conflicted_for: float = 0.0  # seconds waited on consecutive 409 answers

    async def run(self) -> None:
        # A webhook and getUpdates exclude each other (409); the webhook's queue is kept.
        while await self._api(self.bot.delete_webhook(drop_pending_updates=False)) is None:
            pass
        while True:
            batch = await self._api(
                self.bot.get_updates(
                    offset=self.offset,
                    timeout=LONG_POLL_SECONDS,
                    allowed_updates=ALLOWED_UPDATES,
                    request_timeout=int(self.bot.session.timeout + LONG_POLL_SECONDS),
                )
            )
            if batch is not None and await self._handled(batch):
                self.beat()

    async def _handled(self, batch: list[Update]) -> bool:
        """Handle a batch and move the offset past what committed; False (after a
        backoff) when an update did not commit."""
        if not batch:
            return True
        unfinished = await handle_batch(batch, self.handle)
        self.offset = unfinished if unfinished is not None else batch[-1].update_id + 1
        if unfinished is None:
            self.refetch.reset()
            return True
        delay = self.refetch.next()
        log.warning("telegram_batch_unfinished first=%s retry_in=%.1fs", unfinished, delay)
        await self.sleep(delay)
        return False

    async def _api(self, call: Awaitable[T]) -> T | None:
        """One Bot API call; transient faults back off (None), fatal ones stop the process."""
        try:
            result = await call
        except TelegramUnauthorizedError as error:
            msg = (
                f"Telegram refused the bot token (401: {error.message}); set a valid telegram.token"
            )
            raise Unrecoverable(msg) from error
        except TelegramConflictError as error:
            await self._conflict(error)
            return None
        except TelegramRetryAfter as error:
            log.warning("telegram_poll_rate_limited retry_after=%s", error.retry_after)
            await self.sleep(error.retry_after)
            return None
        except (TelegramAPIError, ClientDecodeError) as error:
            delay = self.network.next()
            log.warning("telegram_poll_failed error=%s retry_in=%.1fs", type(error).__name__, delay)
            await self.sleep(delay)
            return None
        self.network.reset()
        self.conflicted_for = 0.0
        return result

    async def _conflict(self, error: TelegramConflictError) -> None:
        """Wait out a previous process's open long poll; a lasting conflict is fatal."""
        if self.conflicted_for >= CONFLICT_PATIENCE:
            msg = (
                f"Telegram reports another consumer of this bot (409: {error.message}); stop "
                "the other poller, or delete its webhook, so that one process polls"
            )
            raise Unrecoverable(msg) from error
        delay = 5.0
        log.warning(
            "telegram_poll_conflict waited_s=%.0f retry_in=%.0fs", self.conflicted_for, delay
        )
        self.conflicted_for += delay
        await self.sleep(delay)


async def handle_batch(batch: list[Update], handle: Handle) -> int | None:
    """Handle every update; returns the id of the first one not committed, or None.

    Every update below that id has committed (lanes run to their end or to their first
    failure, and a lane's later updates wait), so asking for it as the offset loses none."""
    async with asyncio.TaskGroup() as tasks:
        runs = [tasks.create_task(_in_order(lane, handle)) for lane in lanes(batch)]
    failed = [first for first in (run.result() for run in runs) if first is not None]
    return min(failed, default=None)


async def _in_order(lane: list[Update], handle: Handle) -> int | None:
    """One lane's updates one after another; stops at the first that raised."""
    for update in lane:
        try:
            await handle(update)
        except Exception:
            log.exception("telegram_update_not_committed update=%s", update.update_id)
            return update.update_id
    return None
