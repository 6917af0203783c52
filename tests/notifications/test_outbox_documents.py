"""A file in the outbox (issue 15): its row keeps the very bytes a retry sends, and it is
never folded into a run of combined texts (the file would be lost)."""

from __future__ import annotations

from conversations.base.messages import Document
from notifications.dispatcher import Dispatcher
from notifications.outgoing import document_payload
from notifications.senders import Outgoing, without_document
from tests.fakes.senders import WindowedSender, drain
from tests.fakes.world import World
from tests.notifications.rows import queue

FILE = Document("mydata-2026-11-30.json", '{"name": "王芳"}'.encode(), "同样的内容，文字版")


async def test_a_file_ends_what_is_combined_and_arrives_whole(world: World) -> None:
    payloads = [
        {"text": "a"},
        {"text": "b"},
        {"text": "文件如下", "document": document_payload(FILE)},
        {"text": "c"},
    ]
    await queue(world.db, world.clock.now(), ["wx1"] * 4, "windowed", payloads)
    sender = WindowedSender(window={"wx1": 3})
    await drain(Dispatcher(world.db, {"windowed": sender}, world.clock), world.clock)
    assert sender.texts_to("wx1") == ["a\n\nb", "文件如下", "c"]
    assert [m.document for m in sender.sent] == [None, FILE, None]


def test_a_channel_without_files_sends_the_text_written_for_it() -> None:
    message = Outgoing("wx1", "文件如下", document=FILE)
    assert without_document(message) == Outgoing("wx1", "同样的内容，文字版")
    plain = Outgoing("wx1", "text")
    assert without_document(plain) is plain
