"""A recording sender: the in-memory twin of a channel, with scripted failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from notifications.dispatcher import Dispatcher
from notifications.senders import UNLIMITED, ChannelLimits, Delivered, Outgoing, SendFailed
from storage.outbox import OutboxRepository
from storage.uow import unit_of_work
from tests.fakes.clock import FakeClock


@dataclass
class RecordingSender:
    channel: str = "console"
    limits: ChannelLimits = UNLIMITED
    sent: list[Outgoing] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)  # raised by the next sends

    async def deliver(self, message: Outgoing) -> Delivered:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return Delivered(platform_message_id=f"m{len(self.sent)}")

    def is_group(self, chat_id: str) -> bool:
        return not chat_id.startswith(("cust-", "u", "staff:"))

    def texts_to(self, chat_id: str) -> list[str]:
        return [m.text for m in self.sent if m.chat_id == chat_id]


async def drain(dispatcher: Dispatcher, clock: FakeClock) -> None:
    """Deliver everything that can go, moving the clock on when limits make it wait."""
    while True:
        if await dispatcher.deliver_round():
            continue
        if dispatcher.paced_until is None:
            return
        clock.set(dispatcher.paced_until)


async def drain_all(dispatcher: Dispatcher, clock: FakeClock) -> None:
    """Like `drain`, and also waits out retries (429's retry_after, backoff) on the clock."""
    while True:
        await drain(dispatcher, clock)
        async with unit_of_work(dispatcher.db, readonly=True) as uow:
            waiting = await OutboxRepository(uow.session).next_ready(sorted(dispatcher.senders))
        if waiting is None:
            return
        clock.set(max(waiting, clock.now() + timedelta(milliseconds=1)))


@dataclass
class LimitCheckingSender:
    """A channel that enforces Telegram-like limits itself and counts every violation."""

    clock: FakeClock
    channel: str = "limited"
    limits: ChannelLimits = field(
        default_factory=lambda: ChannelLimits(per_chat=1.0, per_group=20 / 60, overall=25.0)
    )
    sends: list[tuple[str, object]] = field(default_factory=list)
    delivered_ids: list[str] = field(default_factory=list)
    violations: int = 0

    def is_group(self, chat_id: str) -> bool:
        return chat_id.startswith("-")

    async def deliver(self, message: Outgoing) -> Delivered:
        now = self.clock.now()
        mine = [at for chat, at in self.sends if chat == message.chat_id]
        if mine and (now - mine[-1]).total_seconds() < 1:  # type: ignore[operator]
            self.violations += 1
        if self.is_group(message.chat_id):
            minute = [at for at in mine if (now - at).total_seconds() < 60]  # type: ignore[operator]
            self.violations += len(minute) >= 20
        second = [at for _, at in self.sends if (now - at).total_seconds() < 1]  # type: ignore[operator]
        self.violations += len(second) >= 25
        self.sends.append((message.chat_id, now))
        self.delivered_ids.append(message.text)
        return Delivered(str(len(self.sends)))


@dataclass
class WindowedSender(RecordingSender):
    """A channel whose chats allow only a few messages in a window (WeChat's
    customer-service window): sends past it fail as the platform would refuse them."""

    channel: str = "windowed"
    window: dict[str, int] = field(default_factory=dict)  # chat -> sends left

    async def sends_left(self, chat_id: str) -> int | None:
        return self.window.get(chat_id)

    async def deliver(self, message: Outgoing) -> Delivered:
        left = self.window.get(message.chat_id)
        if left is not None and left < 1:
            raise SendFailed("outside the window", permanent=True)
        if left is not None:
            self.window[message.chat_id] = left - 1
        return await super().deliver(message)
