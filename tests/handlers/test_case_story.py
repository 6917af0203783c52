"""The whole life of a case through the use cases, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conversations.base.values import CaseStatus, Role, Validity
from conversations.intents import AnswerSurvey, Findings
from handlers import customer, followup, investigate, resolution, solution
from handlers.actors import Actor
from handlers.refusals import Refusal
from handlers.take import take
from storage.cases import CaseRepository, TimelineRepository
from storage.deadlines import DeadlineRepository
from storage.models import Case, CaseEvent, Deadline, OutboxMessage
from storage.uow import UnitOfWork
from tests.fakes.world import World


async def events(world: World, case: Case, customer_view: bool = False) -> list[CaseEvent]:
    async def query(uow: UnitOfWork) -> list[CaseEvent]:
        rows = await TimelineRepository(uow.session).of_case(case.id, customer_view=customer_view)
        return list(rows)

    return await world.read(query)


async def reload(world: World, case: Case) -> Case:
    async def query(uow: UnitOfWork) -> Case:
        found = await CaseRepository(uow.session).get(case.id)
        assert found is not None
        return found

    return await world.read(query)


async def outbox(world: World) -> list[OutboxMessage]:
    async def query(uow: UnitOfWork) -> list[OutboxMessage]:
        return list(await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    return await world.read(query)


async def deadlines_of(world: World, case: Case) -> list[Deadline]:
    async def query(uow: UnitOfWork) -> list[Deadline]:
        return list(await DeadlineRepository(uow.session).all_for_case(case.id))

    return await world.read(query)


async def investigated(world: World) -> tuple[Case, Actor, Actor]:
    """A filed case taken by 李雷 of product, found valid: ready for a solution."""
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    await world.act(
        investigate.record_findings, handler, Findings(case.number, Validity.VALID, "found")
    )
    return case, buyer, handler


async def test_general_complaint_from_filing_to_closed(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    service = await world.staff("韩梅梅", "service")
    case = await world.file(buyer)
    assert case.status is CaseStatus.ASSIGNED
    assert case.department == "product"

    await world.act(take, handler, case.number)
    await world.act(
        investigate.record_findings,
        handler,
        Findings(case.number, Validity.VALID, "Seal defect in batch 7", "supplier seal"),
    )
    await world.act(solution.propose, handler, case.number, "Replace the kettle today")
    await world.act(customer.accept, buyer, case.number)
    await world.act(resolution.start_work, handler, case.number)
    await world.act(resolution.resolve, handler, case.number, "Replacement delivered")
    await world.act(resolution.review, service, case.number)
    await world.act(followup.answer_survey, buyer, AnswerSurvey(case.number, True, 5, "good"))

    final = await reload(world, case)
    assert final.status is CaseStatus.CLOSED
    assert final.solved is True
    assert final.handler_id == handler.id
    kinds = [e.kind for e in await events(world, case)]
    assert kinds == [
        "filed",
        "routed",
        "taken",
        "findings",
        "solution_proposed",
        "solution_offered",
        "solution_accepted",
        "implementing",
        "resolved",
        "survey_sent",
        "survey_answered",
        "closed",
    ]
    timeline = await events(world, case)
    assert all(e.at is not None and e.actor_kind is not None for e in timeline)
    assert {e.actor_id for e in timeline if e.kind in {"taken", "findings"}} == {handler.id}
    # Every deadline started was met along the way.
    assert all(d.met_at is not None for d in await deadlines_of(world, case))


async def test_customer_never_sees_internal_events(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    await world.act(investigate.add_note, handler, case.number, "customer sounded upset")
    visible = [e.kind for e in await events(world, case, customer_view=True)]
    assert visible == ["filed", "taken"]


async def test_important_case_needs_manager_approval_before_customer_sees_it(
    world: World,
) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    manager = await world.staff("张总", "management", Role.MANAGER)
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    await world.act(
        __import__("handlers.manage").manage.regrade,
        manager,
        case.number,
        "important",
        "loss to customer",
    )
    await world.act(
        investigate.record_findings, handler, Findings(case.number, Validity.VALID, "found")
    )
    await world.act(solution.propose, handler, case.number, "Refund in full")
    with pytest.raises(Refusal) as early:
        await world.act(customer.accept, buyer, case.number)
    assert early.value.key == "case.wrong_status"
    with pytest.raises(Refusal) as not_manager:
        await world.act(solution.approve, handler, case.number)
    assert not_manager.value.key == "access.role"
    await world.act(solution.approve, manager, case.number)
    await world.act(customer.accept, buyer, case.number)
    assert (await reload(world, case)).status is CaseStatus.AGREED_BY_CUSTOMER


async def test_refused_solution_goes_back_with_the_reason(world: World) -> None:
    case, buyer, handler = await investigated(world)
    await world.act(solution.propose, handler, case.number, "A voucher")
    await world.act(customer.refuse, buyer, case.number, "I want a refund")
    refused = await reload(world, case)
    assert refused.status is CaseStatus.INVESTIGATING
    last = (await events(world, case))[-1]
    assert (last.kind, last.data["reason"]) == ("solution_refused", "I want a refund")
    await world.act(solution.propose, handler, case.number, "A full refund")
    assert (await reload(world, case)).status is CaseStatus.SOLUTION_PROPOSED


async def test_invalid_case_is_explained_and_resolved_without_agreement(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    with pytest.raises(Refusal) as too_soon:
        await world.act(resolution.resolve, handler, case.number, "done")
    assert too_soon.value.key == "case.wrong_status"
    await world.act(
        investigate.record_findings,
        handler,
        Findings(case.number, Validity.INVALID, "Used with the wrong voltage"),
    )
    await world.act(resolution.resolve, handler, case.number, "Explained safe use")
    resolved = await reload(world, case)
    assert (resolved.status, resolved.validity) == (CaseStatus.RESOLVED, Validity.INVALID)


async def test_valid_complaint_cannot_skip_the_customers_agreement(world: World) -> None:
    case, _, handler = await investigated(world)
    with pytest.raises(Refusal) as refused:
        await world.act(resolution.resolve, handler, case.number, "done")
    assert refused.value.key == "case.needs_agreement"
    assert (await reload(world, case)).status is CaseStatus.INVESTIGATING


async def _to_follow_up(world: World) -> tuple[Case, Actor, Actor]:
    case, buyer, handler = await investigated(world)
    service = await world.staff("韩梅梅", "service")
    await world.act(solution.propose, handler, case.number, "Replace it")
    await world.act(customer.accept, buyer, case.number)
    await world.act(resolution.resolve, handler, case.number, "Replaced")
    await world.act(resolution.review, service, case.number)
    return case, buyer, handler


async def test_dissatisfied_survey_reopens_as_second_rectification(world: World) -> None:
    case, buyer, _ = await _to_follow_up(world)
    await world.act(followup.answer_survey, buyer, AnswerSurvey(case.number, False, 2, "leaks"))
    reopened = await reload(world, case)
    assert reopened.status is CaseStatus.INVESTIGATING
    assert (reopened.reopen_count, reopened.is_repeat) == (1, True)
    assert reopened.severity == "important"  # second complaint raises the grade
    kinds = [e.kind for e in await events(world, case)]
    assert kinds[-3:] == ["survey_answered", "reopened", "regraded"]


async def test_customer_complaining_again_after_closure_reopens(world: World) -> None:
    case, buyer, _ = await _to_follow_up(world)
    await world.act(followup.answer_survey, buyer, AnswerSurvey(case.number, True, 4))
    await world.act(followup.reopen, buyer, case.number, "It broke again")
    reopened = await reload(world, case)
    assert (reopened.status, reopened.severity) == (CaseStatus.INVESTIGATING, "important")
    assert reopened.closed_at is None


async def test_handler_cannot_review_their_own_work(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    await world.act(
        investigate.record_findings, handler, Findings(case.number, Validity.INVALID, "x")
    )
    await world.act(resolution.resolve, handler, case.number, "Explained")
    with pytest.raises(Refusal) as refused:
        await world.act(resolution.review, handler, case.number)
    assert refused.value.key == "access.department"


async def test_survey_answer_outside_follow_up_is_refused(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer)
    with pytest.raises(Refusal) as refused:
        await world.act(followup.answer_survey, buyer, AnswerSurvey(case.number, True, 5))
    assert refused.value.key == "survey.not_open"
    with pytest.raises(Refusal) as bad_score:
        await world.act(followup.answer_survey, buyer, AnswerSurvey(case.number, True, 9))
    assert bad_score.value.key == "survey.score_range"
