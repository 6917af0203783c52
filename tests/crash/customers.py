"""Customers who file a complaint each, the way a person does: write, then wait for the
desk's question and tap one of its buttons, until the receipt with a case number comes.

A customer reads only messages that arrived after their last update and ignores a repeat
of a question already answered (a message resent after a kill), so the updates fed are
the same whatever the kills did; a lost update leaves its customer waiting for good.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.crash.bot_api import CrashBotAPI, Received

CASE_NUMBER = re.compile(r"TS\d{6}-\d{4}")
CATEGORIES = ("product_quality", "service_attitude", "delivery", "aftersales", "facilities")
MAX_PROMPTS = 12  # a filing asks fewer questions; more means the flow went round in circles


def choose(buttons: tuple[str, ...], category: str) -> str | None:
    """The button this customer taps: a complaint, their category, skip what is
    optional, a replacement, then submit."""
    wanted = ("kind:complaint", f"category:{category}", "wanted:replacement", "confirm:submit")
    for data in wanted:
        if data in buttons:
            return data
    return next((b for b in buttons if b.startswith("skip:")), None)


@dataclass
class Customer:
    user_id: int
    story: str
    category: str
    updates: list[int] = field(default_factory=list)
    staff_updates: list[int] = field(default_factory=list)  # Take on their case's card
    number: str | None = None
    stuck_at: str = "not started"
    seen: set[str] = field(default_factory=set)  # texts of questions already answered

    @property
    def person(self) -> dict[str, Any]:
        name = f"顾客{self.user_id}"
        return {"id": self.user_id, "is_bot": False, "first_name": name, "language_code": "zh"}

    def say(self, api: CrashBotAPI, text: str) -> int:
        self.stuck_at = f"after {text[:20]!r}"
        return self._feed(api, lambda u: {"update_id": u, "message": self._message(u, text)})

    def tap(self, api: CrashBotAPI, prompt: Received, data: str) -> int:
        self.stuck_at = f"after tapping {data}"
        query = {
            "chat_instance": "ci",
            "from": self.person,
            "data": data,
            "message": {
                "message_id": prompt.message_id,
                "date": int(time.time()),
                "chat": {"id": self.user_id, "type": "private"},
                "text": prompt.text,
            },
        }
        return self._feed(
            api, lambda u: {"update_id": u, "callback_query": {"id": f"cq{u}", **query}}
        )

    def _feed(self, api: CrashBotAPI, build: Callable[[int], dict[str, Any]]) -> int:
        mark = len(api.received)
        self.updates.append(api.feed(build))
        return mark

    def _message(self, update_id: int, text: str) -> dict[str, Any]:
        return {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": self.user_id, "type": "private"},
            "from": self.person,
            "text": text,
        }

    async def file(self, api: CrashBotAPI, rng: random.Random) -> None:
        """The whole filing: /start, the story, then each question's button."""
        mark = self.say(api, "/start")
        await api.wait(lambda: bool(api.messages_to(self.user_id, mark)))
        self.seen.update(m.text for m in api.messages_to(self.user_id, mark))  # the greeting
        await asyncio.sleep(rng.uniform(0, 0.3))
        mark = self.say(api, self.story)
        for _ in range(MAX_PROMPTS):
            prompt = await self._next_prompt(api, mark)
            if prompt is None:
                return  # the receipt came
            data = choose(prompt.buttons, self.category)
            if data is None:
                self.stuck_at = f"no button to tap in {prompt.text[:40]!r}"
                return
            self.seen.add(prompt.text)
            await asyncio.sleep(rng.uniform(0, 0.3))
            mark = self.tap(api, prompt, data)
        self.stuck_at = "asked too many questions"

    async def _next_prompt(self, api: CrashBotAPI, mark: int) -> Received | None:
        """The next question with buttons, or None once the receipt names the case."""
        found: list[Received] = []

        def arrived() -> bool:
            for message in api.messages_to(self.user_id, mark):
                if message.text in self.seen:
                    continue
                if number := CASE_NUMBER.search(message.text):
                    self.number = number.group()
                    return True
                if message.buttons:
                    found.append(message)
                    return True
            return False

        await api.wait(arrived)
        return found[0] if found else None
