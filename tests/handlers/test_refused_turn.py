"""A turn whose only intent is refused: undone whole and run again with the refusal as its
answer (no savepoint on every turn). Nothing the refused use case did remains, the
update is claimed once, the chat's state moves on, and the answer is the refusal."""

from __future__ import annotations

from conversations.base.i18n import translation
from conversations.base.messages import Inbound
from conversations.base.policy import Language
from conversations.wording import refusal
from handlers.dispatch import Inbox, dispatch
from storage.models import Case, OutboxMessage, ProcessedUpdate
from tests.fakes.world import World
from tests.handlers.test_statement_budget import counted, filing_until_confirmation, turn


def update(world: World, update_id: str, button: str) -> Inbound:
    return Inbound(
        "console", update_id, "u1", "u1", world.clock.now(), button=button, sender_name="王芳"
    )


async def test_a_refused_only_intent_is_answered_and_leaves_nothing_behind(world: World) -> None:
    await turn(world, "/start")
    inbox = Inbox(world.db, world.desk)
    before = len(await world.all(OutboxMessage))
    answers = await dispatch(inbox, update(world, "refused-1", "accept:TS202611-9999"))
    t = translation(Language.ZH_HANS)
    assert [a.text for a in answers] == [refusal(t, "case.not_found", {})]
    queued = await world.all(OutboxMessage)
    assert [row.payload["text"] for row in queued[before:]] == [answers[0].text]
    assert await world.all(Case) == []
    claimed = [u for u in await world.all(ProcessedUpdate) if u.update_id == "refused-1"]
    assert len(claimed) == 1
    assert await dispatch(inbox, update(world, "refused-1", "accept:TS202611-9999")) == []


async def test_a_turn_with_one_intent_takes_no_savepoint(world: World) -> None:
    await filing_until_confirmation(world)
    await turn(world, button="wanted:replacement")
    with counted(world.db) as statements:
        await dispatch(Inbox(world.db, world.desk), update(world, "file-1", "confirm:submit"))
    assert "SAVEPOINT" not in statements and len(await world.all(Case)) == 1
