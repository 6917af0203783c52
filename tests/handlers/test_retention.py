"""Issue 15: a timeline nobody can rewrite, and the retention sweep, on both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from conversations.base.values import CaseStatus, Validity
from conversations.intents import AnswerSurvey, Findings
from handlers import customer, followup, investigate, resolution, solution
from handlers.actors import Actor
from handlers.retention import sweep_retention
from handlers.take import take
from storage.chain_check import chain_breaks
from storage.measures import Dimension, Period, compute
from storage.models import AuditEntry, Case, CaseEvent, Conversation, ProcessedUpdate
from storage.retention import RetentionRepository
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.world import World

SECRET_WORDS = "my flat is 3-502, call 13812345678"


async def closed_case(world: World, buyer: Actor, handler: Actor, service: Actor) -> Case:
    """A complaint taken, solved, reviewed and closed with a survey comment."""
    case = await world.file(buyer, description=f"The kettle leaks. {SECRET_WORDS}")
    await world.act(take, handler, case.number)
    await world.act(
        investigate.record_findings, handler, Findings(case.number, Validity.VALID, "seal", "seal")
    )
    await world.act(customer.add_info, buyer, case.number, SECRET_WORDS)
    await world.act(solution.propose, handler, case.number, "Replace the kettle for 王芳")
    await world.act(customer.accept, buyer, case.number)
    await world.act(resolution.start_work, handler, case.number)
    await world.act(resolution.resolve, handler, case.number, "Replacement delivered")
    await world.act(resolution.review, service, case.number)
    comment = AnswerSurvey(case.number, True, 4, SECRET_WORDS)
    await world.act(followup.answer_survey, buyer, comment)
    return case


async def breaks(world: World) -> list[Any]:
    async def query(uow: UnitOfWork) -> list[Any]:
        return (await chain_breaks(uow.session))[1]

    return await world.read(query)


async def test_updating_or_deleting_a_case_event_is_refused_by_the_database(world: World) -> None:
    case = await world.file(await world.customer())
    for statement in (
        "UPDATE case_events SET kind = 'closed'",
        "DELETE FROM case_events",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with unit_of_work(world.db) as uow:
                await uow.session.execute(text(statement))
    assert [e.case_id for e in await world.all(CaseEvent)] == [case.id, case.id]


async def test_verify_names_an_event_altered_behind_the_triggers_back(world: World) -> None:
    buyer, handler = await world.customer(), await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    await world.act(investigate.add_note, handler, case.number, "called the customer")
    assert await breaks(world) == []
    note = next(e for e in await world.all(CaseEvent) if e.kind == "note")
    async with unit_of_work(world.db) as uow:
        if world.db.dialect == "postgresql":
            await uow.session.execute(text("DROP TRIGGER case_events_append_only ON case_events"))
        else:
            await uow.session.execute(text("DROP TRIGGER case_events_no_update"))
        await uow.session.execute(
            text("UPDATE case_events SET data = :data WHERE id = :id"),
            {"data": '{"text": "never called"}', "id": note.id},
        )
    found = await breaks(world)
    assert [(b.number, b.event_id) for b in found] == [(case.number, note.id)]
    assert "content" in found[0].reason


async def measures(world: World, period: Period) -> list[Any]:
    async def query(uow: UnitOfWork) -> list[Any]:
        now = world.clock.now()
        return [
            await compute(uow.session, period, dimension, now, satisfied_from=4)
            for dimension in (Dimension.OVERALL, Dimension.DEPARTMENT, Dimension.CATEGORY)
        ]

    return await world.read(query)


async def test_retention_sweep_anonymises_old_closed_cases_only_and_keeps_measures(
    world: World,
) -> None:
    buyer, other = await world.customer(), await world.customer("李四", "13900001111")
    handler = await world.staff("李雷", "product")
    service = await world.staff("韩梅梅", "service")
    start = world.clock.now()
    old = [await closed_case(world, buyer, handler, service) for _ in range(3)]
    still_open = await world.file(other, description=f"Open for ages. {SECRET_WORDS}")
    world.clock.advance(days=800)  # past 24 months for the closed ones
    recent = await closed_case(world, other, handler, service)
    period = Period(start - timedelta(days=1), world.clock.now() + timedelta(days=1))
    before = await measures(world, period)

    counts = await world.act(sweep_retention)
    assert counts["cases_anonymised"] == 3

    assert await measures(world, period) == before
    cases = {c.id: c for c in await world.all(Case)}
    for case in old:
        done = cases[case.id]
        assert (done.description, done.order_ref, done.solution) == ("", None, None)
        assert done.anonymised_at is not None and done.number == case.number
    assert SECRET_WORDS in cases[still_open.id].description  # open: never touched
    assert cases[still_open.id].status is not CaseStatus.CLOSED
    assert SECRET_WORDS in cases[recent.id].description  # closed too recently
    anonymised_ids = {case.id for case in old}
    for event in await world.all(CaseEvent):
        if event.case_id in anonymised_ids:
            assert SECRET_WORDS not in str(event.data) and "王芳" not in str(event.data)
    assert await breaks(world) == []  # re-chained through the documented path
    (entry,) = await world.all(AuditEntry)
    assert entry.action == "retention_sweep" and entry.counts["cases_anonymised"] == 3
    assert "13812345678" not in str(entry.counts) and entry.subject is None
    again = await world.act(sweep_retention)
    assert "cases_anonymised" not in again  # done once


async def test_retention_sweep_deletes_old_dialogue_state_and_update_ids(world: World) -> None:
    now = world.clock.now()
    async with unit_of_work(world.db) as uow:
        uow.session.add(ProcessedUpdate(channel="console", update_id="1", processed_at=now))
        uow.session.add(
            Conversation(channel="console", chat_id="c1", flow="idle", step="", updated_at=now)
        )
    world.clock.advance(days=8)
    counts = await world.act(sweep_retention)
    assert counts == {"processed_updates_deleted": 1}
    world.clock.advance(days=30)
    counts = await world.act(sweep_retention)
    assert counts == {"conversations_deleted": 1}
    assert await world.all(Conversation) == [] and await world.all(ProcessedUpdate) == []


async def test_a_case_that_fails_to_anonymise_stops_no_other(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    service = await world.staff("韩梅梅", "service")
    first, second = [await closed_case(world, buyer, handler, service) for _ in range(2)]
    world.clock.advance(days=800)
    original = RetentionRepository.anonymise

    async def failing(self: RetentionRepository, case: Case, now: Any) -> int:
        if case.number == first.number:
            raise RuntimeError("bad row")
        return await original(self, case, now)

    monkeypatch.setattr(RetentionRepository, "anonymise", failing)
    assert (await world.act(sweep_retention))["cases_anonymised"] == 1
    cases = {c.number: c for c in await world.all(Case)}
    assert cases[first.number].anonymised_at is None
    assert cases[second.number].anonymised_at is not None
    monkeypatch.setattr(RetentionRepository, "anonymise", original)
    assert (await world.act(sweep_retention))["cases_anonymised"] == 1  # retried next run
    assert await breaks(world) == []
