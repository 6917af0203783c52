"""Run the Telegram channel: long polling (default) or webhook, one neutral dispatch.

aiogram only parses updates and makes API calls here: its FSM is disabled (state lives in
our database), and both handlers are async (aiogram runs sync ones in a thread).
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, CallbackQuery, Message, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.config import TelegramSettings
from bot.telegram.convert import to_inbound
from conversations.i18n import translation
from conversations.policy import Language
from handlers.dispatch import Inbox, dispatch

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
ALLOWED_UPDATES = ["message", "callback_query"]
MAX_ANSWER = 200  # Telegram's limit for a callback answer


def make_bot(settings: TelegramSettings) -> Bot:
    """A Bot for the configured token, talking to api_base when one is set."""
    assert settings.token is not None
    session = (
        AiohttpSession(api=TelegramAPIServer.from_base(settings.api_base))
        if settings.api_base
        else AiohttpSession()
    )
    return Bot(settings.token.get_secret_value(), session=session)


class TelegramChannel:
    def __init__(self, settings: TelegramSettings, bot: Bot, inbox: Inbox) -> None:
        self.settings = settings
        self.bot = bot
        self.inbox = inbox
        self.dispatcher = Dispatcher(disable_fsm=True)
        self.dispatcher.message.register(self.on_message)
        self.dispatcher.callback_query.register(self.on_button)

    async def on_message(self, message: Message, event_update: Update) -> None:
        inbound = to_inbound(event_update, datetime.now(UTC))
        if inbound is not None:
            await dispatch(self.inbox, inbound)

    async def on_button(self, query: CallbackQuery, event_update: Update) -> None:
        """Every press is answered (or Telegram's spinner keeps turning); in a group the
        answer is the short refusal or confirmation, shown on the button itself."""
        inbound = to_inbound(event_update, datetime.now(UTC))
        replies = await dispatch(self.inbox, inbound) if inbound is not None else []
        text = replies[0].text[:MAX_ANSWER] if replies and inbound and inbound.is_group else None
        await query.answer(text=text)

    async def set_commands(self) -> None:
        """The command menu in each language Telegram can target (zh and en)."""
        scope = BotCommandScopeAllPrivateChats()
        for language, code in ((Language.ZH_HANS, None), (Language.EN, "en")):
            t = translation(language).gettext
            commands = [
                BotCommand(command="start", description=t("Start or show the menu")),
                BotCommand(command="cases", description=t("My cases")),
                BotCommand(command="help", description=t("What I can do")),
                BotCommand(command="language", description=t("Change language")),
                BotCommand(command="cancel", description=t("Cancel")),
            ]
            await self.bot.set_my_commands(commands, scope=scope, language_code=code)

    async def poll(self, *, concurrently: bool = True) -> None:
        """Long polling until cancelled; no webhook may be set at the same time.

        Updates are handled concurrently (one slow update must not hold up other chats);
        updates of one chat take turns on their conversation row's lock in dispatch."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        await self.dispatcher.start_polling(
            self.bot,
            handle_signals=False,
            allowed_updates=ALLOWED_UPDATES,
            handle_as_tasks=concurrently,
        )

    async def register_webhook(self) -> None:
        assert self.settings.webhook_url and self.settings.webhook_secret
        await self.bot.set_webhook(
            self.settings.webhook_url,
            allowed_updates=ALLOWED_UPDATES,
            secret_token=self.settings.webhook_secret.get_secret_value(),
        )

    def mount(self, app: web.Application, *, background: bool = True) -> None:
        """Serve the webhook at WEBHOOK_PATH of the shared aiohttp app."""
        secret = self.settings.webhook_secret
        handler = CheckedWebhook(
            self.dispatcher,
            self.bot,
            handle_in_background=background,
            secret_token=secret.get_secret_value() if secret else None,
        )
        handler.register(app, path=WEBHOOK_PATH)


class CheckedWebhook(SimpleRequestHandler):
    """aiogram's handler, logging every request refused for a wrong or missing secret."""

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        if self.secret_token is None:
            log.error("telegram_webhook_without_secret refused=all fix='set webhook_secret'")
            return False
        if secrets.compare_digest(telegram_secret_token, self.secret_token):
            return True
        log.warning(
            "telegram_webhook_refused reason=%s",
            "missing_secret" if not telegram_secret_token else "wrong_secret",
        )
        return False
