"""A recording sender: the in-memory twin of a channel, with scripted failures."""

from __future__ import annotations

from dataclasses import dataclass, field

from notifications.senders import UNLIMITED, ChannelLimits, Delivered, Outgoing, SendFailed


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

    def texts_to(self, chat_id: str) -> list[str]:
        return [m.text for m in self.sent if m.chat_id == chat_id]
