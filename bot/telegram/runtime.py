"""Run the Telegram channel: long polling (default) or webhook, one neutral dispatch.

aiogram only parses updates and makes API calls here: its FSM is disabled (state lives in
our database), and both handlers are async (aiogram runs sync ones in a thread). Neither
its polling nor its webhook handler is used: both acknowledge before our commit
(bot/telegram/polling.py, bot/telegram/webhook.py).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, CallbackQuery, Message, Update
from aiohttp import web

from bot.config import TelegramSettings
from bot.files import FileStore
from bot.telegram.convert import to_inbound
from bot.telegram.downloads import Downloads
from bot.telegram.polling import ALLOWED_UPDATES, Beat, Poller, Sleep
from bot.telegram.webhook import Webhook
from conversations.base.i18n import translation
from conversations.base.policy import Language
from handlers.dispatch import Inbox, dispatch

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
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
    def __init__(
        self, settings: TelegramSettings, bot: Bot, inbox: Inbox, files: FileStore | None = None
    ) -> None:
        self.settings = settings
        self.bot = bot
        self.inbox = inbox
        self.downloads = Downloads(bot, files) if files is not None else None
        self.dispatcher = Dispatcher(disable_fsm=True)
        self.dispatcher.message.register(self.on_message)
        self.dispatcher.callback_query.register(self.on_button)

    async def on_message(self, message: Message, event_update: Update) -> None:
        """Files are downloaded into the store before the dispatch (issue 13)."""
        inbound = to_inbound(event_update, datetime.now(UTC), self.bot.id)
        if inbound is None:
            return
        if self.downloads is not None:
            inbound = await self.downloads.fetched(inbound)
        await dispatch(self.inbox, inbound)

    async def on_button(self, query: CallbackQuery, event_update: Update) -> None:
        """Every press is answered after the commit (or Telegram's spinner keeps turning);
        in a group the answer is the short refusal or confirmation, shown on the button.
        A press answered too late (Telegram allows ~15 s) is still committed: only the
        spinner is lost, so the failure is logged and the update counts as handled."""
        inbound = to_inbound(event_update, datetime.now(UTC))
        replies = await dispatch(self.inbox, inbound) if inbound is not None else []
        text = replies[0].text[:MAX_ANSWER] if replies and inbound and inbound.is_group else None
        try:
            await query.answer(text=text)
        except TelegramAPIError as error:
            log.warning(
                "telegram_button_unanswered update=%s error=%s",
                event_update.update_id,
                type(error).__name__,
            )

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

    async def poll(self, beat: Beat = lambda: None, sleep: Sleep = asyncio.sleep) -> None:
        """Long polling until cancelled; each batch is acknowledged after its commit.
        `beat` is called after every round whose updates all committed (for /health)."""
        await Poller(self.bot, self.feed, sleep, beat=beat).run()

    async def feed(self, update: Update) -> None:
        """One update through aiogram's routing to on_message/on_button; raises if its
        dispatch did not commit."""
        await self.dispatcher.feed_update(self.bot, update)

    async def register_webhook(self) -> None:
        assert self.settings.webhook_url and self.settings.webhook_secret
        await self.bot.set_webhook(
            self.settings.webhook_url,
            allowed_updates=ALLOWED_UPDATES,
            secret_token=self.settings.webhook_secret.get_secret_value(),
        )

    def mount(self, app: web.Application) -> None:
        """Serve the webhook at WEBHOOK_PATH of the shared aiohttp app."""
        secret = self.settings.webhook_secret
        webhook = Webhook(self.dispatcher, self.bot, secret.get_secret_value() if secret else None)
        webhook.register(app, WEBHOOK_PATH)
