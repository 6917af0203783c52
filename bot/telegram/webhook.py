"""The Telegram webhook: Telegram hears 200 only after the update's commit (STYLE habit 13).

Not aiogram's `SimpleRequestHandler`: with `handle_in_background=True` (its default) it
answers before handling; with False, `feed_webhook_update` still answers 200 and moves
the handling to the background after 55 s, and a failure becomes aiohttp's bare 500 with
a traceback. Here an update that did not commit is answered 500, so Telegram sends it
again (the resend is a no-op for what did commit, thanks to processed_updates).
"""

from __future__ import annotations

import logging
import secrets

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Webhook:
    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret: str | None) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.secret = secret

    def register(self, app: web.Application, path: str) -> None:
        app.router.add_post(path, self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        if not self.verified(request.headers.get(SECRET_HEADER, "")):
            return web.Response(status=401, text="Unauthorized")
        try:
            update = Update.model_validate(await request.json(), context={"bot": self.bot})
        except ValueError:  # not JSON, or not an update (pydantic's error is a ValueError)
            log.warning("telegram_webhook_refused reason=malformed_update")
            return web.Response(status=400, text="Bad Request")
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except Exception:
            log.exception("telegram_update_not_committed update=%s", update.update_id)
            return web.Response(status=500, text="Not handled; send it again")
        return web.json_response({})

    def verified(self, given: str) -> bool:
        """Every request refused for a wrong or missing secret is logged."""
        if self.secret is None:
            log.error("telegram_webhook_without_secret refused=all fix='set webhook_secret'")
            return False
        if secrets.compare_digest(given.encode(), self.secret.encode()):  # bytes: any header
            return True
        log.warning(
            "telegram_webhook_refused reason=%s",
            "missing_secret" if not given else "wrong_secret",
        )
        return False
