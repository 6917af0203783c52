"""The escalation ladder as configured rungs: a warning before the breach (issue 14)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from conversations.base.policy import Escalation, Rung
from handlers.desk import Desk
from handlers.overdue import FireDeadline
from handlers.take import take
from notifications.watcher import Watcher
from storage.models import CaseEvent
from storage.uow import UnitOfWork
from tests.fakes.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
LADDER = Escalation(
    ladder=[
        Rung.model_validate({"before": 0.75, "notify": ["department"]}),
        Rung.model_validate({"after": "0 minutes", "notify": ["department"]}),
        Rung.model_validate({"after": "1 working hour", "notify": ["managers"]}),
    ]
)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def laddered(world: World) -> World:
    policy = world.desk.policy.model_copy(update={"escalation": LADDER})
    return World(world.db, Desk.build(policy, world.clock), world.clock)


async def warned(world: World) -> int:
    async def query(uow: UnitOfWork) -> int:
        kinds = await uow.session.scalars(select(CaseEvent.kind))
        return sum(kind == "deadline_warned" for kind in kinds)

    return await world.read(query)


async def test_a_warning_fires_once_at_three_quarters_of_the_step(world: World) -> None:
    world = laddered(world)
    buyer = await world.customer()
    case = await world.file(buyer)  # Tuesday 10:00: acknowledge due 14:00 (4 working hours)
    sla = Watcher(world.db, world.clock, FireDeadline(world.desk))
    world.clock.set(local("2026-11-24 12:59"))
    assert await sla.tick() == 0
    world.clock.set(local("2026-11-24 13:00"))
    assert await sla.tick() == 1
    texts = [t for t in await world.queued_texts("product") if case.number in t]
    assert any("2026-11-24 14:00" in t for t in texts)
    assert await sla.tick() == 0 and await warned(world) == 1
    world.clock.set(local("2026-11-24 15:00"))  # breach at 14:00, managers one hour later
    assert await sla.tick() == 2
    assert await warned(world) == 1


async def test_meeting_the_step_stops_its_warning(world: World) -> None:
    world = laddered(world)
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    world.clock.set(local("2026-11-24 13:30"))
    assert await Watcher(world.db, world.clock, FireDeadline(world.desk)).tick() == 0
    assert await warned(world) == 0
