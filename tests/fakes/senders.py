"""A recording sender: the in-memory twin of a channel, with scripted failures."""

from __future__ import annotations

from dataclasses import dataclass, field

from notifications.dispatcher import Dispatcher
from notifications.senders import UNLIMITED, ChannelLimits, Delivered, Outgoing, SendFailed
from tests.fakes.clock import FakeClock


@dataclass
class RecordingSender:
    channel: str = "console"
    limits: ChannelLimits = UNLIMITED
    sent: list[Outgoing] = field(default_factory=list)
    failures: list[SendFailed] = field(default_factory=list)

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
