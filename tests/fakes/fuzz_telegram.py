"""The fuzz run through the Telegram adapter: raw update JSON posted to the webhook of the
real aiogram channel, replies sent by the real TelegramSender to the fake Bot API."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

from storage.models import ProcessedUpdate
from storage.uow import UnitOfWork
from tests.bot.telegram_harness import GROUPS, SECRET, STAFF, WEBHOOK_PATH, running
from tests.fakes.fuzz import Catching, Tally, case_numbers, live_tags, queued
from tests.fakes.fuzz_inputs import Inputs, Known
from tests.fakes.telegram_api import FakeBotAPI, button_update, message_update, user
from tests.fakes.world import World

CHANNEL_ID = -1007777
_ids = itertools.count(50_000_000)
NOT_ANSWERED = {"edited", "channel_post", "group_message", "duplicate", "stranger_button"}


async def telegram_fuzz(world: World, seed: int, count: int, customers: int = 8) -> Tally:
    inputs, known, tally = Inputs(seed), Known(), Tally()
    people = [
        user(7000 + n, inputs.text()[:64] or "客", inputs.pick(["zh-hans", "en", "xx"]))
        for n in range(customers)
    ]
    people += [user(uid, name) for name, (_, _, uid) in STAFF.items()]
    staff_ids = {uid for _, _, uid in STAFF.values()}
    sent: list[dict[str, Any]] = []
    async with running(world, "webhook") as tg:
        assert tg.client is not None
        with Catching(tally):
            for step in range(count):
                if step % 25 == 0:
                    known.numbers = await case_numbers(world)
                who = people[inputs.rng.randrange(len(people))]
                update, kind = _update(inputs, known, who, who["id"] in staff_ids, sent)
                tally.inputs += 1
                tally.kinds[kind] += 1
                await _post(tg, world, update, kind, who, tally, known)
                sent.append(update)
                world.clock.advance(seconds=37)
        for _ in range(3):  # what the last rounds queued (a paced chat waits a round)
            await tg.drain()
        _check_rendering(tg.api, tally)
    return tally


def _update(
    inputs: Inputs, known: Known, who: dict[str, Any], staff: bool, sent: list[dict[str, Any]]
) -> tuple[dict[str, Any], str]:
    rng, uid = inputs.rng, who["id"]
    r = rng.random()
    if sent and r < 0.03:
        return sent[rng.randrange(len(sent))], "duplicate"
    if r < 0.4:
        text, button = inputs.sensible(known, str(uid), staff)
        if button is not None:
            return button_update(who, uid, button, update_id=next(_ids)), "sensible"
        return message_update(who, text, update_id=next(_ids)), "sensible"
    if r < 0.55:
        return message_update(who, inputs.text(), update_id=next(_ids)), "text"
    if r < 0.68:
        return message_update(who, inputs.command(known, staff), update_id=next(_ids)), "command"
    if r < 0.8:
        group = rng.random() < 0.3
        chat = inputs.pick([str(g) for g in GROUPS.values()]) if group else str(uid)
        kind = ("button" if staff else "stranger_button") if group else "button"
        return button_update(who, int(chat), inputs.button(known), update_id=next(_ids)), kind
    if r < 0.88:
        return _media(inputs, who), "media"
    if r < 0.93:
        return _wrapped(inputs, who, "edited_message", uid, "private"), "edited"
    if r < 0.96:
        return _wrapped(inputs, who, "channel_post", CHANNEL_ID, "channel"), "channel_post"
    group = int(inputs.pick([str(g) for g in GROUPS.values()]))
    return _wrapped(inputs, who, "message", group, "supergroup"), "group_message"


async def _handled(world: World, update_id: str) -> None:
    """Until the update's row in processed_updates is committed (10 s at most)."""

    async def seen(uow: UnitOfWork) -> bool:
        row = await uow.session.get(ProcessedUpdate, ("telegram", update_id))
        return row is not None

    for _ in range(2000):  # polled: the handling runs in the server's own task
        if await world.read(seen):
            return
        await asyncio.sleep(0.005)


def _media(inputs: Inputs, who: dict[str, Any]) -> dict[str, Any]:
    """A photo (sometimes captioned), or something that is not text at all."""
    if inputs.rng.random() < 0.4:
        caption = inputs.text()[:1024] if inputs.rng.random() < 0.5 else ""
        return message_update(who, caption, photo=f"ph{next(_ids)}", update_id=next(_ids))
    update = message_update(who, "", update_id=next(_ids))
    message = update["message"]
    del message["text"]
    file = {"file_id": f"f{next(_ids)}", "file_unique_id": "u"}
    message.update(
        inputs.rng.choice(
            [
                {
                    "sticker": {
                        **file,
                        "type": "regular",
                        "width": 512,
                        "height": 512,
                        "is_animated": False,
                        "is_video": False,
                    }
                },
                {"voice": {**file, "duration": 3}},
                {"document": {**file, "file_name": "a.pdf"}},
                {"location": {"latitude": 31.2, "longitude": 121.5}},
                {"contact": {"phone_number": "+8613812345678", "first_name": "王"}},
            ]
        )
    )
    return update


def _wrapped(inputs: Inputs, who: dict[str, Any], key: str, chat: int, kind: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": chat, "type": kind, "title": "t"}
        if chat < 0
        else {"id": chat, "type": kind},
        "text": inputs.text() or "x",
    }
    if kind != "channel":
        message["from"] = who
    if key == "edited_message":
        message["edit_date"] = int(time.time())
    return {"update_id": next(_ids), key: message}


async def _post(
    tg: Any,
    world: World,
    update: dict[str, Any],
    kind: str,
    who: dict[str, Any],
    tally: Tally,
    known: Known,
) -> None:
    """Post one update to the webhook; a private one must leave a reply queued to its
    sender (what reached the fake Bot API is checked for markup at the end)."""
    private = str(who["id"])
    before, _ = await queued(world, "telegram", private)
    response = await tg.client.post(
        WEBHOOK_PATH, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    if response.status != 200:
        tally.errors[f"webhook_status_{response.status}"] += 1
    if kind not in NOT_ANSWERED:  # a webhook may answer before handling (background mode)
        await _handled(world, str(update["update_id"]))
    await tg.drain()
    after, known.choices[private] = await queued(world, "telegram", private)
    if kind in NOT_ANSWERED:
        return
    tally.private += 1
    if after > before:
        tally.answered += 1
    else:
        tally.unanswered.append(f"{kind} {str(update)[:160]}")


def _check_rendering(api: FakeBotAPI, tally: Tally) -> None:
    """The desk writes no markup of its own: any tag in an HTML text is someone's input."""
    for call in api.calls:
        if call.method in {"sendMessage", "editMessageText"} and call.params.get("parse_mode"):
            tags = live_tags(str(call.params.get("text", "")))
            if tags:
                tally.unescaped.append(f"{call.method} tags={tags[:5]}")
