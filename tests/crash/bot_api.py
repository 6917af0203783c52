"""A fake Bot API that acknowledges updates the way Telegram does, and records everything.

An update stays queued until a `getUpdates` call with an offset above its id arrives: that
call is the acknowledgement, whoever made it and whatever became of it (a killed process
acknowledges nothing more). Every offset, every delivered update and every message call
(sendMessage, editMessageText, answerCallbackQuery) is kept for the final proof; sent
messages get incrementing ids, as in a real chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.servers import serve_locally

BOT_USER = {"id": 999, "is_bot": True, "first_name": "Desk", "username": "desk_bot"}
LONG_POLL_CAP = 0.5  # seconds a getUpdates waits for news; keeps a killed poller's call short


@dataclass(frozen=True)
class Received:
    """One message call the desk made: a send, an edit or a button answer."""

    method: str
    chat_id: int
    text: str
    message_id: int
    buttons: tuple[str, ...]
    at: float


@dataclass
class CrashBotAPI:
    fed: dict[int, dict[str, Any]] = field(default_factory=dict)
    offsets: list[int] = field(default_factory=list)
    delivered: dict[int, int] = field(default_factory=dict)  # update id -> times handed out
    received: list[Received] = field(default_factory=list)
    polls: int = 0
    url: str = ""
    _pending: list[dict[str, Any]] = field(default_factory=list)
    _acknowledged_below: int = 0
    _next_update: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _texts: dict[tuple[int, int], str] = field(default_factory=dict)
    _news: asyncio.Event = field(default_factory=asyncio.Event)  # an update was fed
    _activity: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner, self.url = await serve_locally(app)

    async def stop(self) -> None:
        self._news.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what the driver does and reads ---------------------------------------------

    def feed(self, build: Callable[[int], dict[str, Any]]) -> int:
        """Queue the update `build(update_id)` makes; ids increase as Telegram's do."""
        update_id = next(self._next_update)
        update = build(update_id)
        self.fed[update_id] = update
        self._pending.append(update)
        self._news.set()
        return update_id

    @property
    def acknowledged(self) -> set[int]:
        return {u for u in self.fed if u < self._acknowledged_below}

    @property
    def unacknowledged(self) -> int:
        return len(self._pending)

    def messages_to(self, chat_id: int, since: int = 0) -> list[Received]:
        return [
            r for r in self.received[since:] if r.chat_id == chat_id and r.method == "sendMessage"
        ]

    async def wait(self, condition: Callable[[], bool], within: float | None = None) -> bool:
        """Until `condition` holds (checked after every call); False on timeout."""
        async with self._activity:
            try:
                await asyncio.wait_for(self._activity.wait_for(condition), within)
            except TimeoutError:
                return False
        return True

    # -- the API --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        params = {key: _decoded(str(value)) for key, value in form.items()}
        handler = getattr(self, f"_{method}", None)
        response: web.Response = _ok(True) if handler is None else await handler(params)
        async with self._activity:
            self._activity.notify_all()
        return response

    async def _getMe(self, params: dict[str, Any]) -> web.Response:
        return _ok(BOT_USER)

    async def _getUpdates(self, params: dict[str, Any]) -> web.Response:
        self.polls += 1
        offset = int(params.get("offset", 0))
        self.offsets.append(offset)
        if offset > self._acknowledged_below:
            self._acknowledged_below = offset
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        if not self._pending:
            self._news.clear()
            timeout = min(float(params.get("timeout", 0)), LONG_POLL_CAP)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._news.wait(), timeout)
        batch = self._pending[: int(params.get("limit", 100))]
        for update in batch:
            self.delivered[update["update_id"]] = self.delivered.get(update["update_id"], 0) + 1
        return _ok(batch)

    async def _sendMessage(self, params: dict[str, Any]) -> web.Response:
        chat = int(params["chat_id"])
        message_id = next(self._message_ids)
        self._record("sendMessage", chat, params, message_id)
        return _ok(self._message(chat, message_id, params))

    async def _sendPhoto(self, params: dict[str, Any]) -> web.Response:
        """The digest's chart; its text follows as a message of its own."""
        chat = int(params["chat_id"])
        message_id = next(self._message_ids)
        self._record("sendPhoto", chat, params, message_id)
        message = self._message(chat, message_id, params)
        size = {"file_unique_id": "u", "width": 800, "height": 400}
        return _ok({**message, "photo": [{"file_id": f"chart{message_id}", **size}]})

    async def _editMessageText(self, params: dict[str, Any]) -> web.Response:
        chat, message_id = int(params["chat_id"]), int(params["message_id"])
        self._record("editMessageText", chat, params, message_id)
        if (chat, message_id) not in self._texts:
            return _error(400, "Bad Request: message to edit not found")
        if self._texts[(chat, message_id)] == params.get("text"):
            return _error(400, "Bad Request: message is not modified")
        return _ok(self._message(chat, message_id, params))

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:
        self.received.append(
            Received("answerCallbackQuery", 0, str(params.get("text", "")), 0, (), time.time())
        )
        return _ok(True)

    def _record(self, method: str, chat: int, params: dict[str, Any], message_id: int) -> None:
        markup = params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        buttons = tuple(b["callback_data"] for row in rows for b in row if "callback_data" in b)
        text = str(params.get("text", ""))
        self.received.append(Received(method, chat, text, message_id, buttons, time.time()))

    def _message(self, chat: int, message_id: int, params: dict[str, Any]) -> dict[str, Any]:
        self._texts[(chat, message_id)] = params.get("text", "")
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"},
            "text": params.get("text", ""),
        }


def _decoded(value: str) -> Any:
    if value[:1] in "[{":
        return json.loads(value)
    return value


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=code)
