"""The digest names a year without holiday data once a week, on Mondays (issue 14)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from conversations.base.policy import Calendar, Policy
from notifications.digests import build_digest
from storage.uow import UnitOfWork
from tests.fakes.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 30, 8, 30, tzinfo=SHANGHAI)
TUESDAY = datetime(2026, 12, 1, 8, 30, tzinfo=SHANGHAI)


async def digest_text(world: World, policy: Policy, now: datetime) -> str:
    async def query(uow: UnitOfWork) -> str:
        return (await build_digest(uow.session, policy, now)).text

    return await world.read(query)


def without_holidays(world: World) -> Policy:
    return world.desk.policy.model_copy(update={"calendar": Calendar()})


async def test_monday_digest_names_the_uncovered_year(world: World) -> None:
    text = await digest_text(world, without_holidays(world), MONDAY)
    assert [line for line in text.splitlines() if "2027" in line and "calendar" in line]


async def test_other_days_and_covered_years_say_nothing(world: World) -> None:
    assert "calendar.holidays" not in await digest_text(world, without_holidays(world), TUESDAY)
    assert "calendar.holidays" not in await digest_text(world, world.desk.policy, MONDAY)
