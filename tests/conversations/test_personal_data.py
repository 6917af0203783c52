"""/mydata and /forgetme through handlers.dispatch, on SQLite and PostgreSQL (issue 15)."""

from __future__ import annotations

import json

from conversations.base.values import Validity
from conversations.intents import AnswerSurvey, Findings
from handlers import customer, followup, investigate, resolution, solution
from handlers.actors import Actor
from handlers.retention import sweep_retention
from handlers.take import take
from notifications.dispatcher import Dispatcher
from storage.models import AuditEntry, Case, Customer, Identity, OutboxMessage
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.senders import RecordingSender
from tests.fakes.world import World

STORY = "电视机屏幕有坏点, 请打 13812345678 找王芳"


async def close(world: World, number: str, buyer: Actor) -> None:
    handler = await world.staff("李雷", "product")
    service = await world.staff("韩梅梅", "service")
    await world.act(take, handler, number)
    findings = Findings(number, Validity.VALID, "dead pixels", "panel batch")
    await world.act(investigate.record_findings, handler, findings)
    await world.act(solution.propose, handler, number, "Replace the screen")
    await world.act(customer.accept, buyer, number)
    await world.act(resolution.start_work, handler, number)
    await world.act(resolution.resolve, handler, number, "Replaced")
    await world.act(resolution.review, service, number)
    await world.act(followup.answer_survey, buyer, AnswerSurvey(number, True, 5, "谢谢"))


async def test_mydata_sends_a_json_file_of_what_is_held_about_the_customer(world: World) -> None:
    other = Chat(world, "u2", name="李娜", language="en")
    await file_complaint(world, other, "冰箱不制冷, 电话 13900001111")
    chat = Chat(world, "u1", name="王芳", language="en")
    number = await file_complaint(world, chat, STORY)
    (reply,) = await chat.send("/mydata")
    assert reply.document is not None and reply.document.name.startswith("mydata-2026-")
    assert reply.document.name in reply.text and "personal data" in reply.text
    held = json.loads(reply.document.content)
    assert (held["name"], held["phone"], held["accounts"]) == (
        "王芳",
        "13812345678",
        ["console:u1"],
    )
    assert [case["number"] for case in held["cases"]] == [number]
    assert held["cases"][0]["description"] == STORY
    assert "李娜" not in reply.document.content.decode()
    assert "13900001111" not in reply.document.content.decode()
    # what a channel without files sends instead: the same, in words
    assert reply.document.instead.startswith("A file cannot be sent here")
    assert number in reply.document.instead and STORY in reply.document.instead
    (entry,) = await world.all(AuditEntry)
    assert (entry.action, entry.actor) == ("customer_export", "customer")
    assert "王芳" not in str(entry.subject) and entry.counts == {}


async def test_forgetme_asks_first_then_erases_a_customer_with_only_closed_cases(
    world: World,
) -> None:
    chat = Chat(world, "u1", name="王芳", language="en")
    number = await file_complaint(world, chat, STORY)
    (case,) = await world.all(Case)
    await close(world, number, Actor.customer(case.customer_id))
    asked = (await chat.send("/forgetme"))[-1]  # after the closing notices
    assert "/forgetme yes" in asked.text
    assert (await world.only(Customer)).name == "王芳"  # nothing done before confirming
    await chat.send("/mydata")
    dispatcher = Dispatcher(world.db, {"console": RecordingSender()}, world.clock)
    while await dispatcher.deliver_round():
        pass
    (done,) = await chat.send("/forgetme yes")
    assert "will not know you" in done.text
    to_her = [row for row in await world.all(OutboxMessage) if row.chat_id == "u1"]
    assert [row.payload["text"] for row in to_her] == [done.text]  # sent ones gone, not this
    person = await world.only(Customer)
    assert (person.name, person.phone, person.erased_at is not None) == (None, None, True)
    assert await world.all(Identity) == []
    (case,) = await world.all(Case)
    assert STORY not in case.description and case.number == number
    exported, erased = await world.all(AuditEntry)
    assert (exported.action, erased.action) == ("customer_export", "customer_erased")
    assert erased.counts["cases_anonymised"] == 1


async def test_forgetme_with_an_open_case_finishes_when_it_closes(world: World) -> None:
    chat = Chat(world, "u1", name="王芳", language="en")
    number = await file_complaint(world, chat, STORY)
    (done,) = await chat.send("/forgetme yes")
    assert "anonymised when they close" in done.text
    assert (await world.only(Customer)).name == "王芳"  # kept to reach her meanwhile
    assert len(await world.all(Identity)) == 1
    await world.act(sweep_retention)  # still open: nothing to do, nothing logged
    assert [entry.action for entry in await world.all(AuditEntry)] == ["customer_erasure_pending"]
    (case,) = await world.all(Case)
    await close(world, number, Actor.customer(case.customer_id))
    await world.act(sweep_retention)
    person = await world.only(Customer)
    assert (person.name, person.phone) == (None, None)
    assert await world.all(Identity) == []
    (case,) = await world.all(Case)
    assert case.anonymised_at is not None and STORY not in case.description
    actions = [entry.action for entry in await world.all(AuditEntry)]
    assert actions[:2] == ["customer_erasure_pending", "customer_erased"]
