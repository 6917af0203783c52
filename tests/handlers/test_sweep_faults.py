"""One bad row never stops a sweep (issue 11): for each of the five sweeps, the first of two
due rows fails, the second still has its effect, the fault is logged once with the case
number (or the row), and the next round neither logs it again nor brings a parked row back.
A deadlock is not a row's fault: the whole sweep runs again (both backends)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from conversations.base.policy import Recipient
from handlers import digest_job, grading, housekeeping, progress
from handlers.desk import Desk
from handlers.digest_job import send_due_digests
from handlers.grading import raise_long_open
from handlers.housekeeping import expire_conversations, remind_surveys
from handlers.progress import report_progress
from handlers.refusals import Refusal
from notifications.digests import build_digest
from storage.models import Case, Conversation, DigestRun, OutboxMessage, Survey
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.chat import Chat
from tests.fakes.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def failures(caplog: pytest.LogCaptureFixture, sweep: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.getMessage().startswith(f"sweep_row_failed sweep={sweep} ")
    ]


def failing_for(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, bad: Callable[..., bool]
) -> None:
    """Replace a per-row step with one that raises for the bad row and works for the rest."""
    real: Callable[..., Awaitable[Any]] = getattr(module, name)

    async def step(*args: Any) -> Any:
        if bad(*args):
            msg = "a bug in this row"
            raise KeyError(msg)
        return await real(*args)

    monkeypatch.setattr(module, name, step)


async def two_cases(world: World) -> tuple[Case, Case]:
    first = await world.file(await world.customer("王芳", "13812345678"), order_ref="O-1")
    second = await world.file(await world.customer("李四", "13987654321"), order_ref="O-2")
    return first, second


async def outbox_to(world: World, chat: str) -> int:
    return len(await world.queued_texts(chat))


async def test_a_failing_survey_reminder_is_spent_and_the_next_customer_is_reminded(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = await two_cases(world)
    now = world.clock.now()
    async with unit_of_work(world.db) as uow:
        for minutes, case in enumerate((first, second)):
            due = now - timedelta(minutes=2 - minutes)  # the first is due first
            uow.session.add(Survey(case_id=case.id, sent_at=due, remind_at=due))
    failing_for(monkeypatch, housekeeping, "_remind", lambda _u, _d, s, _n: s.case_id == first.id)
    told = [await outbox_to(world, f"cust-{case.customer_id}") for case in (first, second)]

    assert await world.act(remind_surveys) == 1
    assert await outbox_to(world, f"cust-{first.customer_id}") == told[0]
    assert await outbox_to(world, f"cust-{second.customer_id}") == told[1] + 1
    [logged] = failures(caplog, "remind_surveys")
    assert f"case={first.number} error=KeyError parked=True" in logged

    assert await world.act(remind_surveys) == 0  # spent: it does not come back
    assert all(survey.reminded_at is not None for survey in await world.all(Survey))
    assert len(failures(caplog, "remind_surveys")) == 1


async def test_a_corrupt_conversation_is_reset_quietly_and_the_next_one_expires(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    broken, fine = Chat(world, "u1"), Chat(world, "u2")
    await broken.send("屏幕有坏点")
    world.clock.advance(minutes=1)
    await fine.send("屏幕有坏点")
    async with unit_of_work(world.db) as uow:  # a corrupt JSON field: a list, not a dict
        await uow.session.execute(
            update(Conversation).where(Conversation.chat_id == "u1").values(data=["corrupt"])
        )
    told = [await outbox_to(world, chat) for chat in ("u1", "u2")]
    world.clock.advance(minutes=61)

    assert await world.act(expire_conversations) == 1
    assert await outbox_to(world, "u1") == told[0]
    assert await outbox_to(world, "u2") == told[1] + 1
    rows = {row.chat_id: row for row in await world.all(Conversation)}
    [logged] = failures(caplog, "expire_conversations")
    assert f"conversation={rows['u1'].id} error=AttributeError parked=True" in logged
    assert rows["u1"].flow == rows["u2"].flow == "idle" and rows["u1"].data == {}

    assert await world.act(expire_conversations) == 0
    assert len(failures(caplog, "expire_conversations")) == 1


async def test_a_failing_grade_raise_leaves_that_case_and_raises_the_next(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = await two_cases(world)
    failing_for(monkeypatch, grading, "announce_raise", lambda _s, _d, c, _r: c.id == first.id)
    world.clock.advance(days=8)  # past the 7-day rule

    assert await world.act(raise_long_open) == 1
    grades = {case.number: case.severity for case in await world.all(Case)}
    assert grades == {first.number: "general", second.number: "important"}
    [logged] = failures(caplog, "raise_long_open")
    assert f"case={first.number} error=KeyError" in logged

    assert await world.act(raise_long_open) == 0  # the first fails again, quietly
    assert len(failures(caplog, "raise_long_open")) == 1


async def test_a_failing_progress_report_leaves_that_case_and_reports_the_next(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = await two_cases(world)
    async with unit_of_work(world.db) as uow:
        await uow.session.execute(update(Case).values(severity="important"))
    failing_for(monkeypatch, progress, "_report", lambda _s, _d, c, _e: c.id == first.id)
    world.clock.advance(days=1)  # Wednesday 10:00: a working day later

    assert await world.act(report_progress) == 1
    [report] = [text for text in await world.queued_texts("service") if "案件进展" in text]
    assert second.number in report and first.number not in report
    [logged] = failures(caplog, "report_progress")
    assert f"case={first.number} error=KeyError" in logged

    assert await world.act(report_progress) == 0
    assert len(failures(caplog, "report_progress")) == 1


async def test_a_failing_digest_recipient_keeps_its_day_and_the_next_gets_the_digest(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    policy = world.desk.policy
    recipients = [Recipient(channel="console", chat=chat) for chat in ("boss-1", "boss-2")]
    digest = policy.digest.model_copy(update={"recipients": recipients})
    desk = Desk.build(policy.model_copy(update={"digest": digest}), world.clock)
    calls: list[datetime] = []
    real = build_digest

    async def first_build_fails(session: Any, policy: Any, now: datetime) -> Any:
        calls.append(now)
        if len(calls) == 1:
            msg = "a bug in this row"
            raise KeyError(msg)
        return await real(session, policy, now)

    monkeypatch.setattr(digest_job, "build_digest", first_build_fails)
    world.clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))

    two = World(world.db, desk, world.clock)

    assert await two.act(send_due_digests) == 1
    sent = [row.chat_id for row in await world.all(OutboxMessage) if row.purpose == "digest"]
    assert sent == ["boss-2"]
    [logged] = failures(caplog, "send_due_digests")
    assert "recipient=console:boss-1 error=KeyError parked=True" in logged

    async def runs(uow: UnitOfWork) -> list[str]:
        return sorted(await uow.session.scalars(select(DigestRun.recipient)))

    assert await world.read(runs) == ["console:boss-1", "console:boss-2"]  # not retried today
    assert await two.act(send_due_digests) == 0
    assert len(failures(caplog, "send_due_digests")) == 1


class Deadlock(Exception):
    sqlstate = "40P01"


async def test_a_deadlock_in_a_row_runs_the_whole_sweep_again_instead_of_parking_it(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await two_cases(world)
    attempts: list[int] = []

    async def deadlocked(*args: Any) -> bool:
        attempts.append(1)
        raise DBAPIError("UPDATE cases", {}, Deadlock())

    monkeypatch.setattr(grading, "_raise_one", deadlocked)
    world.clock.advance(days=8)

    with pytest.raises(Refusal):  # `perform` retried it, then gave up as busy
        await world.act(raise_long_open)
    assert len(attempts) == 3  # once per attempt: the first row re-raised each time
    assert failures(caplog, "raise_long_open") == []
    assert {case.severity for case in await world.all(Case)} == {"general"}  # all rolled back
