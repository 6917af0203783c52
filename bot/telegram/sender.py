"""Outbox message -> Bot API call, and Bot API errors -> what the dispatcher should do."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, Message

from bot.telegram.convert import CHANNEL
from bot.telegram.format import ButtonTooLong, address, keyboard, pages
from notifications.senders import ChannelLimits, Delivered, Outgoing, SendFailed

# Telegram's published limits: about 1 message a second per chat, 20 a minute per
# group, 30 a second overall (we stay at 25 to leave room for callback answers).
LIMITS = ChannelLimits(per_chat=1.0, per_group=20 / 60, overall=25.0, max_text=4096)


class TelegramSender:
    channel = CHANNEL
    limits = LIMITS

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def is_group(self, chat_id: str) -> bool:
        return chat_id.startswith("-")  # Telegram's group and channel ids are negative

    async def deliver(self, message: Outgoing) -> Delivered:
        try:
            if message.edit_of is not None:
                return await self._edit(message, message.edit_of)
            return await self._send(message)
        except TelegramRetryAfter as error:
            raise SendFailed(
                error.message, permanent=False, retry_after=error.retry_after
            ) from error
        except TelegramForbiddenError as error:
            raise SendFailed(error.message, permanent=True, unreachable=True) from error
        except TelegramBadRequest as error:
            if "message is not modified" in error.message:
                return Delivered(message.edit_of)  # the card already says this
            raise SendFailed(error.message, permanent=True) from error
        except ButtonTooLong as error:
            raise SendFailed(str(error), permanent=True) from error
        except (TelegramNetworkError, TelegramServerError) as error:
            raise SendFailed(str(error), permanent=False) from error

    async def _send(self, message: Outgoing) -> Delivered:
        chat, thread = address(message.chat_id)
        if message.image is not None:
            picture = BufferedInputFile(message.image, filename="chart.png")
            await self.bot.send_photo(chat, picture, message_thread_id=thread)
        markup = keyboard(message.choices)
        chunks = pages(message.text)
        first: Message | None = None
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            sent = await self.bot.send_message(
                chat,
                chunk,
                message_thread_id=thread,
                parse_mode="HTML",
                reply_markup=markup if last else None,
            )
            first = first or sent
        assert first is not None
        return Delivered(str(first.message_id))

    async def _edit(self, message: Outgoing, message_id: str) -> Delivered:
        chat, _thread = address(message.chat_id)
        await self.bot.edit_message_text(
            text=pages(message.text)[0],
            chat_id=chat,
            message_id=int(message_id),
            parse_mode="HTML",
            reply_markup=keyboard(message.choices),
        )
        return Delivered(message_id)
