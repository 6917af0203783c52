"""A fake Telegram Bot API server on 127.0.0.1: the real aiogram client talks HTTP to it.

It answers the methods the desk uses, keeps every call for assertions, serves queued
updates to long polling, and can be told to refuse a chat (403) or rate-limit (429).
Files (issue 13): `files` holds what people "uploaded" by file id (getFile and the file
route serve them); photos, documents, voice notes and videos sent by the bot are kept
there too, so a file id it was given back can be sent again; `forums` are the groups
where createForumTopic works (elsewhere: 400 "the chat is not a forum").
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
    files: dict[str, bytes] = field(default_factory=dict)  # file id -> content
    fail_downloads: int = 0  # the next file downloads answer 502
    forums: set[int] = field(default_factory=set)  # groups with topics
    topics: dict[tuple[int, int], str] = field(default_factory=dict)  # (group, thread) -> name
    closed_topics: set[tuple[int, int]] = field(default_factory=set)
    fail_topics: int = 0  # the next createForumTopic calls answer 502
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
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
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

    def files_to(self, chat_id: int, method: str) -> list[tuple[str | None, bytes]]:
        """(caption, content) of each photo, document, voice note or video sent, by file id
        or uploaded (`method`: sendPhoto, sendDocument, ...)."""
        field_name = method.removeprefix("send").lower()
        return [
            (p.get("caption"), self._content(p[field_name])) for p in self.sent(method, chat_id)
        ]

    def _content(self, sent: Any) -> bytes:
        return sent["content"] if isinstance(sent, dict) else self.files[str(sent)]

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
        if self.fail_documents and int(params["chat_id"]) not in self.blocked_chats:
            self.fail_documents -= 1
            return _error(502, "Bad Gateway")
        return self._send_file(params, "document")

    async def _sendPhoto(self, params: dict[str, Any]) -> web.Response:
        return self._send_file(params, "photo")

    async def _sendVoice(self, params: dict[str, Any]) -> web.Response:
        return self._send_file(params, "voice")

    async def _sendVideo(self, params: dict[str, Any]) -> web.Response:
        return self._send_file(params, "video")

    def _send_file(self, params: dict[str, Any], kind: str) -> web.Response:
        """A file uploaded (multipart) or sent again by the file id Telegram gave."""
        chat = int(params["chat_id"])
        if chat in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        sent = params[kind]
        if isinstance(sent, str) and sent not in self.files:
            return _error(400, "Bad Request: wrong file identifier/HTTP URL specified")
        content = self._content(sent)
        if len(content) > (10 if kind == "photo" else 50) * 1024 * 1024:
            return _error(413, "Request Entity Too Large")
        if len(params.get("caption", "")) > 1024:
            return _error(400, "Bad Request: message caption is too long")
        message = self._message(chat, {})
        file_id = f"{kind}-{message['message_id']}"
        self.files[file_id] = content
        described = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content)}
        if isinstance(sent, dict):
            described["file_name"] = sent["filename"]
        if kind == "photo":
            message["photo"] = [{**described, "width": 800, "height": 600}]
        else:
            message[kind] = (
                {**described, "duration": 1} if kind in {"voice", "video"} else described
            )
            if kind == "video":
                message[kind].update(width=640, height=360)
        return _ok(message)

    async def _getFile(self, params: dict[str, Any]) -> web.Response:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            return _error(400, "Bad Request: invalid file_id")
        size = len(self.files[file_id])
        if size > 20 * 1024 * 1024:
            return _error(400, "Bad Request: file is too big")
        described = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size}
        return _ok({**described, "file_path": f"documents/{file_id}"})

    async def _download(self, request: web.Request) -> web.Response:
        self.calls.append(Call("download", {"path": request.match_info["path"]}))
        if self.fail_downloads:
            self.fail_downloads -= 1
            return web.Response(status=502, text="Bad Gateway")
        file_id = request.match_info["path"].removeprefix("documents/")
        if file_id not in self.files:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=self.files[file_id])

    async def _createForumTopic(self, params: dict[str, Any]) -> web.Response:
        chat = int(params["chat_id"])
        if self.fail_topics:
            self.fail_topics -= 1
            return _error(502, "Bad Gateway")
        if chat not in self.forums:
            return _error(400, "Bad Request: the chat is not a forum")
        thread = next(self._ids)
        self.topics[(chat, thread)] = str(params["name"])
        return _ok({"message_thread_id": thread, "name": params["name"], "icon_color": 7322096})

    async def _closeForumTopic(self, params: dict[str, Any]) -> web.Response:
        key = (int(params["chat_id"]), int(params["message_thread_id"]))
        if key not in self.topics:
            return _error(400, "Bad Request: TOPIC_ID_INVALID")
        if key in self.closed_topics:
            return _error(400, "Bad Request: TOPIC_NOT_MODIFIED")
        self.closed_topics.add(key)
        return _ok(True)

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


def file_update(
    sender: dict[str, Any],
    kind: str,
    file_id: str,
    *,
    caption: str = "",
    size: int | None = None,
    name: str | None = None,
    album: str | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    """A photo, document, voice note or video from a person in private chat (issue 13);
    the file's bytes are for the fake's `files` to serve."""
    update = message_update(sender, update_id=update_id)
    message = update["message"]
    del message["text"]
    described: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u-{file_id}"}
    if size is not None:
        described["file_size"] = size
    if name is not None:
        described["file_name"] = name
    if kind == "photo":
        small = {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 90}
        message["photo"] = [small, {**described, "width": 900, "height": 900}]
    elif kind in {"voice", "video"}:
        message[kind] = {**described, "duration": 3}
        if kind == "video":
            message[kind].update(width=640, height=360)
    else:
        message[kind] = described
    if caption:
        message["caption"] = caption
    if album:
        message["media_group_id"] = album
    return update


def replying(update: dict[str, Any], to_message_id: int, chat_id: int) -> dict[str, Any]:
    """The update as a Telegram reply to the bot's message `to_message_id`."""
    update["message"]["reply_to_message"] = {
        "message_id": to_message_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
        "from": BOT_USER,
        "text": "…",
    }
    return update


def in_topic(update: dict[str, Any], group: int, thread: int) -> dict[str, Any]:
    """The update as a message written in a forum topic of `group` (as Telegram sends it:
    a reply to the topic's first, service message)."""
    message = update["message"]
    message["chat"] = {"id": group, "type": "supergroup", "title": "部门", "is_forum": True}
    message["message_thread_id"] = thread
    message["is_topic_message"] = True
    message["reply_to_message"] = {
        "message_id": thread,
        "date": int(time.time()),
        "chat": message["chat"],
        "from": BOT_USER,
        "message_thread_id": thread,
        "forum_topic_created": {"name": "topic", "icon_color": 7322096},
    }
    return update
