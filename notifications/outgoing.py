"""An outbox row as the message a sender delivers, and a chat's queued texts combined
into one when the platform's window allows fewer sends than are queued (as many as fit
in the platform's `max_text`)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Protocol, runtime_checkable

from conversations.base.messages import Document
from notifications.senders import Attached, Outgoing, Sender, Windowed
from storage.engine import Database
from storage.models import OutboxMessage
from storage.outbox import OutboxRepository
from storage.uow import unit_of_work

MAX_COMBINED = 20  # texts folded into one message at most; the rest wait their turn


@runtime_checkable
class Measured(Protocol):
    """A sender that says how much of its `limits.max_text` a message takes as it will
    go (WeChat: UTF-8 bytes of the text with its numbered choices). Without it, the
    size is the text's characters (Telegram's unit)."""

    def text_size(self, message: Outgoing) -> int: ...


def outgoing(row: OutboxMessage, edit_of: str | None) -> Outgoing:
    """Edits change a message already delivered whole, so they start at the first part."""
    return Outgoing(
        chat_id=row.chat_id,
        text=str(row.payload.get("text", "")),
        choices=list(row.payload.get("choices", [])),
        edit_of=edit_of,
        image=_image(row.payload),
        document=_document(row.payload),
        template=_template(row.payload),
        values=_values(row.payload),
        first_part=row.parts_sent if edit_of is None else 0,
        media=_media(row.payload),
    )


async def combined(
    db: Database,
    sender: Sender,
    row: OutboxMessage,
    message: Outgoing,
    room: tuple[int, datetime] | None = None,
) -> tuple[Outgoing, list[int]]:
    """The message to send for `row`, with the ids of the rows it also carries.

    When the chat's window (WeChat: 5 messages in 48 h) has fewer sends left than texts
    queued, the queued run of plain texts goes as one message, so none is parked for
    want of a send (issue 11); the buttons are the last text's. Likewise a group whose
    window (Telegram: 20 a minute; `room`: the sends it takes now, and now) is shorter
    than its queued notices about cases (overdue alerts, escalations) gets them as one
    message, so none waits minutes behind the others (issue 18); each is the next of its
    case there, so every case's order holds.
    Texts are added while the message stays within the sender's `max_text`; the rest wait
    for the next send (or the template)."""
    if message.edit_of is not None or message.first_part:
        return message, []
    if isinstance(sender, Windowed):
        left = await sender.sends_left(row.chat_id)
        if left is None or left < 1:
            return message, []
        async with unit_of_work(db, readonly=True) as uow:
            queued = await OutboxRepository(uow.session).pending_in_chat(
                row.channel, row.chat_id, MAX_COMBINED
            )
        run = _plain_run(queued, row)
    elif room is not None and _notice(row):
        left, now = room[0] + 1, room[1]  # this send, and what the window takes after it
        async with unit_of_work(db, readonly=True) as uow:
            found = await OutboxRepository(uow.session).queued_notices(row, now, 2 * MAX_COMBINED)
        queued = [r for r in found if _notice(r)]
        run = queued[:MAX_COMBINED]
        if not run or run[0].id != row.id:
            return message, []
    else:
        return message, []
    if len(queued) <= left or len(run) < 2:
        return message, []
    merged, count = message, 1
    while count < len(run):
        bigger = _merged(run[: count + 1], message.chat_id)
        if sender.limits.max_text is not None and _size(sender, bigger) > sender.limits.max_text:
            break
        merged, count = bigger, count + 1
    return merged, [r.id for r in run[1:count]]


def _notice(row: OutboxMessage) -> bool:
    """A plain text about a case to a group: no buttons, file, card or topic."""
    body = row.payload
    extras = ("image", "document", "media", "topic", "in_topic", "template")
    plain = not body.get("choices") and not any(key in body for key in extras)
    return plain and row.purpose is None and row.case_id is not None


def _merged(run: Sequence[OutboxMessage], chat_id: str) -> Outgoing:
    """The run's texts as one message, with the last one's buttons."""
    text = "\n\n".join(str(r.payload.get("text", "")) for r in run)
    return replace(outgoing(run[-1], None), text=text, chat_id=chat_id)


def _size(sender: Sender, message: Outgoing) -> int:
    return sender.text_size(message) if isinstance(sender, Measured) else len(message.text)


def _plain_run(queued: Sequence[OutboxMessage], head: OutboxMessage) -> list[OutboxMessage]:
    """The head and the texts right behind it (a picture or a file ends the run: order
    holds, and a combined message carries no file)."""
    if not queued or queued[0].id != head.id:
        return []
    run = []
    for row in queued:
        if "image" in row.payload or "document" in row.payload or "media" in row.payload:
            break
        run.append(row)
    return run


def _media(payload: dict[str, object]) -> tuple[Attached, ...]:
    """The files a row carries (see `Attached`); malformed entries are skipped."""
    listed = payload.get("media")
    if not isinstance(listed, list):
        return ()
    return tuple(
        Attached(
            kind=str(item.get("kind", "document")),
            channel=str(item.get("channel", "")),
            ref=str(item.get("ref") or ""),
            path=str(item["path"]) if item.get("path") else None,
            name=str(item["name"]) if item.get("name") else None,
        )
        for item in listed
        if isinstance(item, dict)
    )


def _template(payload: dict[str, object]) -> str | None:
    kind = payload.get("template")
    return kind if isinstance(kind, str) else None


def _values(payload: dict[str, object]) -> dict[str, str]:
    values = payload.get("values")
    return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}


def _image(payload: dict[str, object]) -> bytes | None:
    """A picture travels in the payload as base64 (a digest's chart, tens of KB)."""
    encoded = payload.get("image")
    return base64.b64decode(encoded) if isinstance(encoded, str) else None


def document_payload(document: Document) -> dict[str, str]:
    """A file as the outbox row keeps it: the bytes in base64 (JSON), so a retry sends the
    very file the handler made (issue 15; a customer's data is a few KB)."""
    return {
        "name": document.name,
        "content_b64": base64.b64encode(document.content).decode(),
        "instead": document.instead,
    }


def _document(payload: dict[str, object]) -> Document | None:
    stored = payload.get("document")
    if not isinstance(stored, dict):
        return None
    return Document(
        name=str(stored["name"]),
        content=base64.b64decode(str(stored["content_b64"])),
        instead=str(stored.get("instead", "")),
    )
