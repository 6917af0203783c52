"""A fake Telegram Bot API server on 127.0.0.1: the real aiogram client talks HTTP to it.

It answers the methods the desk uses, keeps every call for assertions, serves queued
updates to long polling, and can be told to refuse a chat (403) or rate-limit (429).
Like the real API, an update is served again by every getUpdates until one asks for an
offset above it (that request is its acknowledgement); `offsets` records every offset
asked for, and `refuse_polling` makes getUpdates fail (401 bad token, 409 conflict, 502).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.servers import serve_locally

BOT_USER = {"id": 999, "is_bot": True, "first_name": "Desk", "username": "desk_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200


def _decoded(value: str) -> Any:
    if value[:1] in "[{":
        return json.loads(value)
    return value


def _field(value: object) -> Any:
    """A form field as a test reads it; an uploaded file as its name and bytes."""
    if isinstance(value, web.FileField):
        return {"filename": value.filename, "content": value.file.read()}
    return _decoded(str(value))


@dataclass
class FakeBotAPI:
    calls: list[Call] = field(default_factory=list)
    blocked_chats: set[int] = field(default_factory=set)
    rate_limit_next: int = 0
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    offsets: list[int | None] = field(default_factory=list)
    batches: list[list[int]] = field(default_factory=list)  # update ids of each answer
    refuse_polling: list[tuple[int, str]] = field(default_factory=list)  # next getUpdates
    callbacks_expired: bool = False
    fail_documents: int = 0  # the next sendDocument calls answer 502 (a transient failure)
    on_acknowledge: Callable[[int], Awaitable[None]] | None = None  # awaited per new offset
    _called: asyncio.Event = field(default_factory=asyncio.Event)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _consumed_offset: int = 0
    _consumed: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100))
    _runner: web.AppRunner | None = None
    url: str = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner, self.url = await serve_locally(app)

    async def stop(self) -> None:
        self._arrived.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests look at ---------------------------------------------------------

    def sent(self, method: str, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Parameters of the successful calls of `method` (to one chat, if given)."""
        return [
            call.params
            for call in self.calls
            if call.method == method
            and call.status == 200
            and (chat_id is None or call.params.get("chat_id") == str(chat_id))
        ]

    def texts_to(self, chat_id: int) -> list[str]:
        return [p["text"] for p in self.sent("sendMessage", chat_id)]

    def documents_to(self, chat_id: int) -> list[tuple[str, bytes]]:
        """(file name, content) of each file sent to the chat."""
        sent = self.sent("sendDocument", chat_id)
        return [(p["document"]["filename"], p["document"]["content"]) for p in sent]

    async def wait_for(self, condition: Callable[[], bool]) -> None:
        """Until a call makes `condition` true (checked after every call)."""
        while not condition():
            self._called.clear()
            await self._called.wait()

    def push(self, update: dict[str, Any]) -> None:
        self._updates.append(update)
        self._arrived.set()

    async def wait_consumed(self, update_id: int) -> None:
        """Until polling asked for updates past `update_id` (so it finished handling it)."""
        async with asyncio.timeout(20):
            while self._consumed_offset <= update_id:
                self._consumed.clear()
                await self._consumed.wait()

    def acknowledged(self, update_id: int) -> bool:
        """Whether a getUpdates asked for an offset above `update_id` (Telegram forgets it)."""
        return self._consumed_offset > update_id

    def served(self, update_id: int) -> int:
        """How many getUpdates answers carried `update_id`."""
        return sum(update_id in batch for batch in self.batches)

    # -- the API --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        params = {key: _field(value) for key, value in form.items()}
        for key, value in list(params.items()):  # aiogram names an upload "attach://<field>"
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.pop(value.removeprefix("attach://"))
        call = Call(method, params)
        self.calls.append(call)
        self._called.set()
        handler = getattr(self, f"_{method}", None)
        response: web.Response = _ok(True) if handler is None else await handler(params)
        call.status = response.status
        return response

    async def _getMe(self, params: dict[str, Any]) -> web.Response:
        return _ok(BOT_USER)

    async def _getUpdates(self, params: dict[str, Any]) -> web.Response:
        self.offsets.append(int(params["offset"]) if "offset" in params else None)
        if self.refuse_polling:
            return _error(*self.refuse_polling.pop(0))
        offset = int(params.get("offset", 0))
        if offset > self._consumed_offset:
            if self.on_acknowledge is not None:
                await self.on_acknowledge(offset)
            self._consumed_offset = offset
            self._consumed.set()
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._arrived.wait(), min(float(params.get("timeout", 1)), 1.0)
                )
        batch = self._updates[: int(params.get("limit", 100))]
        self.batches.append([u["update_id"] for u in batch])
        return _ok(batch)

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:
        if self.callbacks_expired:
            return _error(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        return _ok(True)

    async def _sendMessage(self, params: dict[str, Any]) -> web.Response:
        chat = int(params["chat_id"])
        if chat in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        if self.rate_limit_next:
            self.rate_limit_next -= 1
            return _error(429, "Too Many Requests: retry after 3", {"retry_after": 3})
        if len(params.get("text", "")) > 4096:
            return _error(400, "Bad Request: message is too long")
        return _ok(self._message(chat, params))

    async def _sendDocument(self, params: dict[str, Any]) -> web.Response:
        chat = int(params["chat_id"])
        if chat in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        if self.fail_documents:
            self.fail_documents -= 1
            return _error(502, "Bad Gateway")
        if len(params["document"]["content"]) > 50 * 1024 * 1024:
            return _error(413, "Request Entity Too Large")
        message = self._message(chat, {})
        message["document"] = {
            "file_id": f"doc-{message['message_id']}",
            "file_unique_id": f"u{message['message_id']}",
            "file_name": params["document"]["filename"],
        }
        return _ok(message)

    async def _editMessageText(self, params: dict[str, Any]) -> web.Response:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.texts:
            return _error(400, "Bad Request: message to edit not found")
        if self.texts[key] == params.get("text"):
            return _error(400, "Bad Request: message is not modified")
        return _ok(self._message(key[0], params, key[1]))

    def _message(
        self, chat: int, params: dict[str, Any], message_id: int | None = None
    ) -> dict[str, Any]:
        number = message_id or next(self._ids)
        self.texts[(chat, number)] = params.get("text", "")
        kind = "private" if chat > 0 else "supergroup"
        return {
            "message_id": number,
            "date": int(time.time()),
            "chat": {"id": chat, "type": kind},
            "text": params.get("text", ""),
        }


@asynccontextmanager
async def fake_bot_api() -> AsyncIterator[FakeBotAPI]:
    """A started fake, stopped afterwards (it may outlive several bot processes)."""
    api = FakeBotAPI()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


# -- updates as Telegram sends them ---------------------------------------------------

_update_ids = itertools.count(1)


def user(user_id: int, name: str = "王芳", language: str = "zh-hans") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language}


def message_update(
    sender: dict[str, Any],
    text: str = "",
    *,
    photo: str | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_update_ids) + 10_000,
        "date": int(time.time()),
        "chat": {"id": sender["id"], "type": "private"},
        "from": sender,
    }
    if photo:
        message["photo"] = [
            {"file_id": f"{photo}-small", "file_unique_id": "s", "width": 90, "height": 90},
            {"file_id": photo, "file_unique_id": "b", "width": 900, "height": 900},
        ]
        if text:
            message["caption"] = text
    else:
        message["text"] = text
    return {"update_id": update_id or next(_update_ids), "message": message}


def button_update(
    sender: dict[str, Any],
    chat_id: int,
    data: str,
    message_id: int = 1,
    *,
    update_id: int | None = None,
) -> dict[str, Any]:
    kind = "private" if chat_id > 0 else "supergroup"
    return {
        "update_id": update_id or next(_update_ids),
        "callback_query": {
            "id": f"cq{next(_update_ids)}",
            "from": sender,
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": kind},
                "text": "card",
            },
        },
    }
