"""The fake Bot API with Telegram's limits and its other answers, on a fake clock.

Over 1 message a second to a chat, 20 a minute to a group or 30 a second in all, it
answers 429 with retry_after as Telegram does (edits count like messages; `violations`
says which limit each refusal was for); a text over 4096 characters gets 400
"message is too long"; a migrated group answers with its new id; any other answer
(404, 401, 409, 413, 5xx, a body that is not JSON, no answer at all) can be scripted.
A chat's next message can be made to arrive late on the fake clock (`arrive_late`: the
network held it), and a chat's sends can be held unanswered in real time (`hold`).
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from tests.fakes.clock import FakeClock
from tests.fakes.telegram_api import FakeBotAPI

HANG = web.Response(status=599)  # scripted: answer nothing until the server stops


@dataclass
class LimitedBotAPI(FakeBotAPI):
    clock: FakeClock = field(default_factory=FakeClock)
    migrated: dict[int, int] = field(default_factory=dict)  # old group -> supergroup
    # Per chat, the answers to its next sends; None lets that send be answered as usual.
    script: dict[int, list[web.Response | None]] = field(default_factory=lambda: defaultdict(list))
    accepted: list[tuple[int, datetime]] = field(default_factory=list)
    accepted_texts: list[tuple[int, datetime, str]] = field(default_factory=list)  # and edits
    refused_429: int = 0
    violations: Counter[str] = field(default_factory=Counter)  # "chat", "group", "overall"
    late: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    held: dict[int, asyncio.Event] = field(default_factory=dict)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def arrive_late(self, chat: int, *seconds: float) -> None:
        """The next messages to `chat` reach Telegram this much later than they were sent
        (on the fake clock, which moves on to then), one delay each."""
        self.late[chat].extend(seconds)

    def hold(self, chat: int) -> asyncio.Event:
        """Sends to `chat` get no answer until the returned event is set (a slow chat)."""
        return self.held.setdefault(chat, asyncio.Event())

    def answer_next(self, chat: int, *responses: web.Response | None) -> None:
        """The next sends to `chat` get these answers, one each, before the real one."""
        self.script[chat].extend(responses)

    async def stop(self) -> None:
        self._stopping.set()
        await super().stop()

    async def _sendMessage(self, params: dict[str, Any]) -> web.Response:
        chat = int(params["chat_id"])
        await self._arrive(chat)
        answer = self.script[chat].pop(0) if self.script.get(chat) else None
        if answer is HANG:  # the call never succeeded, whatever the client thinks
            next(call for call in reversed(self.calls) if call.params is params).status = 599
            await self._stopping.wait()
            return error(503, "stopped")
        if answer is not None:
            return answer
        if chat in self.migrated:
            moved = {"migrate_to_chat_id": self.migrated[chat]}
            return error(400, "Bad Request: group chat was upgraded to a supergroup chat", moved)
        if (refused := self._refused(chat)) is not None:
            return refused
        response = await super()._sendMessage(params)
        self._took(chat, params, response)
        return response

    async def _editMessageText(self, params: dict[str, Any]) -> web.Response:
        """An edit counts against the limits like a message (a group's 20 a minute)."""
        chat = int(params["chat_id"])
        await self._arrive(chat)
        if (refused := self._refused(chat)) is not None:
            return refused
        response = await super()._editMessageText(params)
        self._took(chat, params, response)
        return response

    def _took(self, chat: int, params: dict[str, Any], response: web.Response) -> None:
        if response.status == 200:
            self.accepted.append((chat, self.clock.now()))
            self.accepted_texts.append((chat, self.clock.now(), str(params.get("text", ""))))

    async def _arrive(self, chat: int) -> None:
        if chat in self.held:
            await self.held[chat].wait()
        if self.late.get(chat):
            self.clock.advance(seconds=self.late[chat].pop(0))

    def _refused(self, chat: int) -> web.Response | None:
        if (wait := self._wait(chat)) is None:
            return None
        self.refused_429 += 1
        return error(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})

    def _wait(self, chat: int) -> int | None:
        """Seconds until Telegram would take another message to `chat`; None if now."""
        now = self.clock.now()
        to_chat = [at for c, at in self.accepted if c == chat]
        waits: dict[str, timedelta] = {}
        if to_chat and now - to_chat[-1] < timedelta(seconds=1):
            waits["chat"] = to_chat[-1] + timedelta(seconds=1) - now
        minute = [at for at in to_chat if now - at < timedelta(minutes=1)]
        if chat < 0 and len(minute) >= 20:
            waits["group"] = minute[-20] + timedelta(minutes=1) - now
        second = [at for _, at in self.accepted if now - at < timedelta(seconds=1)]
        if len(second) >= 30:
            waits["overall"] = second[-30] + timedelta(seconds=1) - now
        self.violations.update(waits.keys())
        return math.ceil(max(waits.values()).total_seconds()) if waits else None


def error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


def not_json(status: int = 502) -> web.Response:
    """What a proxy in front of the Bot API answers when it fails: HTML, not JSON."""
    return web.Response(status=status, text="<html>Bad Gateway</html>", content_type="text/html")
