"""Telegram updates as Inbound (issue 13): files are media with size and name, a reply
to the bot's message names it, a message in a forum topic is 'group:thread' talk, and
other group talk, service messages and other bots stay out."""

from __future__ import annotations

from typing import Any

from aiogram.types import Update

from bot.telegram.convert import to_inbound
from conversations.base.messages import Media
from tests.fakes.telegram_api import (
    BOT_USER,
    file_update,
    in_topic,
    message_update,
    replying,
    user,
)

CUSTOMER, LI = user(1001), user(2001, "李雷")
GROUP, THREAD = -1001, 77
BOT_ID = int(str(BOT_USER["id"]))


def converted(update: dict[str, Any]) -> Any:
    return to_inbound(Update.model_validate(update), bot_id=BOT_ID)


def test_photos_documents_voice_and_video_are_media_with_size_and_name() -> None:
    photo = converted(file_update(CUSTOMER, "photo", "ph", size=2048, album="a1"))
    assert photo.media == (Media("photo", "ph", size=2048),) and photo.album == "a1"
    document = converted(file_update(CUSTOMER, "document", "d", size=10, name="发票.pdf"))
    assert document.media == (Media("document", "d", size=10, name="发票.pdf"),)
    voice = converted(file_update(CUSTOMER, "voice", "v", size=5))
    assert voice.media == (Media("voice", "v", size=5),) and voice.unreadable is None
    video = converted(file_update(CUSTOMER, "video", "vid", name="clip.mp4"))
    assert video.media == (Media("video", "vid", name="clip.mp4"),) and video.unreadable is None


def test_a_sticker_is_still_unreadable() -> None:
    update = message_update(CUSTOMER)
    del update["message"]["text"]
    update["message"]["sticker"] = {
        "file_id": "s1",
        "file_unique_id": "s",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    inbound = converted(update)
    assert (inbound.unreadable, inbound.media) == ("sticker", ())


def test_a_reply_to_the_bots_message_names_it_and_to_someone_elses_does_not() -> None:
    assert converted(replying(message_update(LI, "已联系客户"), 345, 2001)).quoted == "345"
    other = replying(message_update(LI, "好的"), 346, 2001)
    other["message"]["reply_to_message"]["from"] = user(2002, "韩梅梅")
    assert converted(other).quoted is None
    forged = replying(message_update(LI, "好的"), 347, 2001)
    forged["message"]["reply_to_message"]["from"] = {**BOT_USER, "id": 4242}  # another bot
    assert converted(forged).quoted is None


def test_a_message_in_a_case_topic_is_group_talk_with_its_thread() -> None:
    inbound = converted(in_topic(message_update(LI, "明天上门"), GROUP, THREAD))
    assert (inbound.chat_id, inbound.is_group, inbound.text) == (
        f"{GROUP}:{THREAD}",
        True,
        "明天上门",
    )
    assert inbound.quoted is None  # the topic's first message is no reply
    replied = replying(in_topic(message_update(LI, "收到"), GROUP, THREAD), 500, GROUP)
    replied["message"]["reply_to_message"]["message_thread_id"] = THREAD
    assert converted(replied).quoted == "500"  # a real reply inside the topic


def test_other_group_talk_service_messages_and_bots_stay_out() -> None:
    plain = message_update(LI, "大家好")
    plain["message"]["chat"] = {"id": GROUP, "type": "supergroup", "title": "部门"}
    assert converted(plain) is None
    service = in_topic(message_update(LI), GROUP, THREAD)
    del service["message"]["text"]
    service["message"]["forum_topic_edited"] = {"name": "新名字"}
    assert converted(service) is None
    robot = in_topic(message_update({**BOT_USER, "id": 5555}, "spam"), GROUP, THREAD)
    assert converted(robot) is None
