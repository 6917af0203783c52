"""/close on an unanswered survey is 'no answer', not 'solved', in every measure (issue 14)."""

from __future__ import annotations

from datetime import timedelta

from conversations.intents import AnswerSurvey
from handlers import customer, followup, resolution, solution
from handlers.actors import Actor
from storage.measures import Dimension, Measures, Period, compute
from storage.models import Case
from storage.uow import UnitOfWork
from tests.fakes.world import World
from tests.handlers.test_case_story import events, investigated, reload


async def in_follow_up(world: World) -> tuple[Case, Actor, Actor]:
    """A case whose survey is out: the case, its customer, a customer-service member."""
    case, buyer, handler = await investigated(world)
    service = await world.staff(f"客服{case.id}", "service")
    await world.act(solution.propose, handler, case.number, "Replace it")
    await world.act(customer.accept, buyer, case.number)
    await world.act(resolution.resolve, handler, case.number, "Replaced")
    await world.act(resolution.review, service, case.number)
    return case, buyer, service


async def overall(world: World) -> Measures:
    now = world.clock.now()
    period = Period(now - timedelta(days=1), now + timedelta(days=1))

    async def query(uow: UnitOfWork) -> Measures:
        (record,) = await compute(uow.session, period, Dimension.OVERALL, now, 4)
        return record

    return await world.read(query)


async def test_closing_an_unanswered_survey_counts_as_no_answer(world: World) -> None:
    unanswered, _, service = await in_follow_up(world)
    await world.act(followup.close_unanswered, service, unanswered.number)
    closed = await reload(world, unanswered)
    assert closed.closed_at is not None and closed.solved is None
    assert [e.data.get("solved") for e in await events(world, closed) if e.kind == "closed"] == [
        None
    ]
    answered, buyer, _ = await in_follow_up(world)
    await world.act(followup.answer_survey, buyer, AnswerSurvey(answered.number, True, 5))
    measures = await overall(world)
    assert (measures.closed, measures.closed_solved, measures.closed_no_answer) == (2, 1, 1)
    assert measures.resolution_rate == 0.5
