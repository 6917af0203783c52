"""A getUpdates batch splits into lanes: updates sharing a chat or a sender take turns."""

from __future__ import annotations

from typing import Any

from aiogram.types import Update

from bot.telegram.lanes import lanes
from tests.fakes.telegram_api import button_update, message_update, user

LI, HAN, ANNA, BO = user(2001, "李雷"), user(2002, "韩梅梅"), user(3001), user(3002)
GROUP = -1001


def parsed(*raw: dict[str, Any]) -> list[Update]:
    return [Update.model_validate(update) for update in raw]


def ids(found: list[list[Update]]) -> list[list[int]]:
    return [[update.update_id for update in lane] for lane in found]


def test_presses_on_one_group_card_keep_the_order_the_staff_pressed_in() -> None:
    batch = parsed(
        button_update(LI, GROUP, "take:TS1", update_id=1),
        button_update(HAN, GROUP, "take:TS1", update_id=2),
    )
    assert ids(lanes(batch)) == [[1, 2]]


def test_a_press_in_a_group_and_the_presser_s_private_message_share_a_lane() -> None:
    batch = parsed(
        message_update(ANNA, "/start", update_id=1),
        button_update(LI, GROUP, "take:TS1", update_id=2),
        message_update(BO, "/start", update_id=3),
        message_update(LI, "/case TS1", update_id=4),
        message_update(ANNA, "/help", update_id=5),
    )
    assert sorted(ids(lanes(batch))) == [[1, 5], [2, 4], [3]]


def test_lanes_that_meet_later_merge_in_update_order() -> None:
    batch = parsed(
        message_update(LI, "/cases", update_id=1),
        message_update(HAN, "/cases", update_id=2),
        button_update(LI, GROUP, "take:TS1", update_id=3),
        button_update(HAN, GROUP, "take:TS2", update_id=4),
    )
    assert ids(lanes(batch)) == [[1, 2, 3, 4]]
