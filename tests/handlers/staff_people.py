"""Staff members with a private console chat, and what was queued to chats, for the tests
of what staff are told (issue 13)."""

from __future__ import annotations

from sqlalchemy import select

from conversations.base.policy import Language
from conversations.base.values import ActorKind, Role
from handlers.actors import Actor
from handlers.desk import Desk
from storage.models import OutboxMessage, Staff
from storage.uow import UnitOfWork
from tests.fakes.world import World, enrol


async def member(world: World, name: str, department: str, role: Role = Role.STAFF) -> Actor:
    """A staff member with a console chat `staff:<name>` (where private notices go)."""
    await enrol(world, name, department, role.value)
    person = next(s for s in await world.all(Staff) if s.name == name)
    return Actor(ActorKind.STAFF, person.id, name, role, department)


def speaking(world: World, language: Language) -> World:
    """The same desk and database with staff messages in `language`."""
    policy = world.desk.policy.model_copy(update={"default_language": language})
    return World(world.db, Desk.build(policy, world.clock), world.clock)


async def rows_to(world: World, chat: str, purpose: str | None = None) -> list[OutboxMessage]:
    """What was queued to a chat (with that purpose, when given), oldest first."""

    async def query(uow: UnitOfWork) -> list[OutboxMessage]:
        found = select(OutboxMessage).where(OutboxMessage.chat_id == chat)
        if purpose is not None:
            found = found.where(OutboxMessage.purpose == purpose)
        return list(await uow.session.scalars(found.order_by(OutboxMessage.id)))

    return await world.read(query)


async def last_card(world: World, chat: str) -> OutboxMessage:
    return (await rows_to(world, chat, "card"))[-1]


def first_line(row: OutboxMessage) -> str:
    return str(row.payload["text"]).split("\n")[0]


def actions(row: OutboxMessage) -> list[str]:
    return [str(choice["action"]) for choice in row.payload["choices"]]
