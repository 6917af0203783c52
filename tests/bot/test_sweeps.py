"""The sweeps in `tidy`: one failing sweep is logged and the others still run."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.app import App, tidy
from bot.config import Config
from handlers.dispatch import Inbox
from handlers.grading import raise_long_open
from handlers.overdue import FireDeadline
from notifications.dispatcher import Dispatcher
from notifications.watcher import Watcher
from storage.models import Case
from storage.uow import UnitOfWork
from tests.fakes.world import World


def app_for(world: World) -> App:
    outbox = Dispatcher(world.db, {}, world.clock)
    watcher = Watcher(world.db, world.clock, FireDeadline(world.desk))
    inbox = Inbox(world.db, world.desk, outbox.wake)
    return App(Config(policy=world.desk.policy), world.db, world.desk, outbox, watcher, inbox)


async def broken_sweep(uow: UnitOfWork, desk: object) -> int:
    raise ZeroDivisionError("a bug in one sweep")


async def test_a_failing_sweep_is_logged_and_the_next_sweep_still_runs(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    buyer = await world.customer()
    await world.file(buyer)
    world.clock.advance(days=8)  # long open: the grade-raise sweep has work
    with caplog.at_level(logging.ERROR):
        await tidy(app_for(world), (broken_sweep, raise_long_open))

    async def severity(uow: UnitOfWork) -> str | None:
        return await uow.session.scalar(select(Case.severity))

    assert await world.read(severity) == "important"
    assert "sweep_failed name=broken_sweep error=ZeroDivisionError" in caplog.text
