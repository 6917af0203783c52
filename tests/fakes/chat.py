"""Drive whole dialogues through `handlers.dispatch`, reading what the outbox delivers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from sqlalchemy import select

from conversations.base.messages import Inbound, Media, Reply
from handlers.dispatch import Inbox, dispatch
from notifications.dispatcher import Dispatcher
from notifications.senders import Outgoing
from storage.models import Case
from storage.uow import UnitOfWork
from tests.fakes.senders import RecordingSender
from tests.fakes.world import World

_updates = itertools.count(1)


@dataclass
class Chat:
    """One person in one chat. `send` returns what the bot said back to this chat."""

    world: World
    sender_id: str
    chat_id: str = ""
    name: str | None = None
    language: str | None = None
    channel: str = "console"
    is_group: bool = False
    sender: RecordingSender = field(default_factory=RecordingSender)
    answered: list[Reply] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.chat_id = self.chat_id or self.sender_id

    async def send(
        self,
        text: str = "",
        *,
        button: str | None = None,
        media: tuple[Media, ...] = (),
        update_id: str | None = None,
        silent: bool = False,
    ) -> list[Outgoing]:
        before = len(self.sender.sent)
        inbound = Inbound(
            channel=self.channel,
            update_id=update_id or str(next(_updates)),
            chat_id=self.chat_id,
            sender_id=self.sender_id,
            received_at=self.world.clock.now(),
            text=text,
            button=button,
            media=media,
            language=self.language,
            sender_name=self.name,
            is_group=self.is_group,
        )
        self.answered = await dispatch(Inbox(self.world.db, self.world.desk), inbound)
        await deliver(self.world, self.sender)
        # Answers to a press in a group go to the presser's private chat.
        mine = self.sender_id if self.is_group else self.chat_id
        replies = [m for m in self.sender.sent[before:] if m.chat_id == mine]
        assert silent or replies, f"the bot said nothing to {text or button!r}"
        return replies

    async def press(self, button: str, **options: object) -> list[Outgoing]:
        return await self.send(button=button, **options)  # type: ignore[arg-type]

    def said(self) -> list[str]:
        return [m.text for m in self.sender.sent if m.chat_id == self.chat_id]


async def deliver(world: World, sender: RecordingSender) -> None:
    dispatcher = Dispatcher(world.db, {sender.channel: sender}, world.clock)
    while await dispatcher.deliver_round():
        pass


def actions(messages: list[Outgoing]) -> list[str]:
    return [choice["action"] for message in messages for choice in message.choices]


async def file_complaint(world: World, customer: Chat, text: str = "电视机屏幕有坏点") -> str:
    """A customer tells a story and files it (product quality, wants a repair); its number.
    With a case already open, they say it is something new when asked."""
    asked = await customer.send(text)
    if any(choice["action"] == "new:story" for reply in asked for choice in reply.choices):
        await customer.press("new:story")
    await customer.press("category:product_quality")
    await customer.press("skip:details")
    await customer.press("wanted:repair")
    await customer.press("confirm:submit")

    async def newest(uow: UnitOfWork) -> str:
        found = await uow.session.scalar(select(Case.number).order_by(Case.id.desc()))
        assert found is not None
        return found

    return await world.read(newest)
