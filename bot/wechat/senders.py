"""Outbox message -> WeChat / WeCom API call.

Official Account: a customer-service message while the customer's window is open (48 hours
after their last message, 5 messages at most), a long one in parts of at most 2048 bytes
(one part per call, each counted against the window); after that, the template message
configured for that update, if any, which the customer can answer by writing again.
WeCom app: a text message to the staff member. WeCom group robot: markdown to the
department group, its buttons turned into the commands that do the same in the app.
A file (/mydata) goes as its text: the customer-service and app APIs send a file only as
media uploaded first (media_id), which the desk does not do, so the reader gets the
content as text parts with a line saying why (issue 15).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.config import WeChatSettings
from bot.files import FileStore
from bot.wechat.api import OutsideWindow, PlatformAPI
from bot.wechat.convert import OFFICIAL_ACCOUNT, WECOM_APP, numbered
from bot.wechat.inert import inert_markdown, inert_text
from bot.wechat.links import MediaLinks
from bot.wechat.media import media_id, sendable
from bot.wechat.outgoing_media import file_line, notice, one_part, split
from bot.wechat.pages import byte_pages
from bot.wechat.robot_media import robot_image, robot_line, robot_photos
from conversations.actions import staff_command
from conversations.base.clock import Clock
from conversations.base.i18n import translation
from conversations.base.policy import Language
from notifications.senders import (
    UNLIMITED,
    Attached,
    ChannelLimits,
    Delivered,
    Outgoing,
    SendFailed,
    without_document,
)
from storage.engine import Database
from storage.platform import take_window_slot, window_sends_left
from storage.uow import unit_of_work

ROBOT = "wecom_robot"
ROBOT_MAX_BYTES = 4096
# A text message's content, in UTF-8 bytes: WeChat documents 2048 bytes for a passive
# reply's Content (被动回复用户消息) and no figure for the customer-service API
# (/cgi-bin/message/custom/send), so the same 2048 is used there as the safe limit.
CUSTOM_TEXT_BYTES = 2048
KEYWORD_CHARS = 20  # what a template message shows of each keyword since May 2023
REPLY = "message"  # the template of staff's words and files outside the window (issue 13)


def _hint(language: Language) -> str:
    return translation(language).gettext("Reply with the number of your choice.")


def as_text(message: Outgoing, language: Language) -> str:
    """A text message's content: people's words inert (no <a href>), choices numbered;
    a file's content as text (see the module's docstring)."""
    message = without_document(message)
    choices = [{**choice, "label": inert_text(choice["label"])} for choice in message.choices]
    return numbered(inert_text(message.text), choices, _hint(language))


class OfficialAccountSender:
    channel = OFFICIAL_ACCOUNT
    limits = ChannelLimits(max_text=CUSTOM_TEXT_BYTES)  # bytes: see text_size

    def __init__(
        self,
        api: PlatformAPI,
        settings: WeChatSettings,
        db: Database,
        clock: Clock,
        language: Language,
        store: FileStore | None = None,
        links: MediaLinks | None = None,
    ) -> None:
        self.api, self.settings, self.db, self.clock = api, settings, db, clock
        self.language, self.store, self.links = language, store, links

    def is_group(self, chat_id: str) -> bool:
        return False

    def text_size(self, message: Outgoing) -> int:
        """What the message takes of `limits.max_text`: UTF-8 bytes of the text as sent
        (inert, choices numbered), so combined texts are measured as WeChat counts."""
        return len(as_text(message, self.language).encode())

    async def deliver(self, message: Outgoing) -> Delivered:
        """One part per call, so the dispatcher records each part and a retry resends
        none (issue 11); the numbered choices end the text, so they come last."""
        found = await split(
            self.store, as_text(message, self.language), message.media, self.channel, self.language
        )
        pages = _pages(found.text, bool(found.files))
        if await self._window_allows(message.chat_id):
            try:
                return await one_part(
                    message.first_part,
                    found.files,
                    pages,
                    lambda item: self._send_file(message.chat_id, item),
                    lambda page: self._send_text(message.chat_id, page),
                )
            except OutsideWindow:
                pass  # WeChat's own count says the window is over: fall back to a template
        return await self._template(message)

    async def _send_text(self, chat_id: str, text: str) -> None:
        payload = {"touser": chat_id, "msgtype": "text", "text": {"content": text}}
        await self.api.post("/cgi-bin/message/custom/send", payload)

    async def _send_file(self, chat_id: str, item: Attached) -> None:
        """An image or voice message by media_id (uploaded from the store first)."""
        kind, media = sendable(item), await media_id(self.api, self.store, item, self.channel)
        if kind is None or media is None:  # gone since it was looked at: said in a line
            await self._send_text(chat_id, file_line(item, self.language, False))
            return
        payload = {"touser": chat_id, "msgtype": kind, kind: {"media_id": media}}
        await self.api.post("/cgi-bin/message/custom/send", payload)

    async def sends_left(self, chat_id: str) -> int | None:
        """Customer-service messages the chat's window still allows (notifications'
        Windowed): the dispatcher combines queued texts when they outnumber these."""
        async with unit_of_work(self.db, readonly=True) as uow:
            return await window_sends_left(
                uow.session,
                self.channel,
                chat_id,
                self.clock.now(),
                self.settings.window_hours,
                self.settings.window_messages,
            )

    async def _window_allows(self, chat_id: str) -> bool:
        async with unit_of_work(self.db) as uow:
            return await take_window_slot(
                uow.session,
                self.channel,
                chat_id,
                self.clock.now(),
                self.settings.window_hours,
                self.settings.window_messages,
            )

    async def _template(self, message: Outgoing) -> Delivered:
        """Files become words in the template (a photo: a link to it when the desk has
        a public address); a file-bearing message without a kind of its own is a reply."""
        kind = message.template or (REPLY if message.media else "")
        template = self.settings.templates.get(kind)
        if template is None:  # never parked silently: the case's department is told
            raise SendFailed(_no_template(message, self.settings), permanent=True, unreachable=True)
        values, link = message.values, self._link(message.media)
        if message.media:
            values = {**values, "message": notice(message.media, self.language, bool(link))}
        body = {
            "touser": message.chat_id,
            "template_id": template.id,
            "data": keyword_data(template.fields, values),
        }
        await self.api.post(
            "/cgi-bin/message/template/send", body | ({"url": link} if link else {})
        )
        return Delivered(None)

    def _link(self, media: Sequence[Attached]) -> str | None:
        photos = [item.path for item in media if item.kind == "photo" and item.path]
        return self.links.url(photos[0]) if self.links is not None and photos else None


def _pages(text: str, has_files: bool, limit: int | None = CUSTOM_TEXT_BYTES) -> list[str]:
    """The text's messages; none when files carry the message and it has no words."""
    if has_files and not text.strip():
        return []
    return byte_pages(text, limit) if limit is not None else [text]


def _no_template(message: Outgoing, settings: WeChatSettings) -> str:
    """Why a customer cannot be reached now, for `complaintdesk outbox` and the log."""
    kind = (
        f"no template configured for {message.template!r}"
        if message.template
        else ("this message has no template kind")
    )
    return (
        f"customer-service window closed ({settings.window_hours} h since the customer's "
        f"last message, or its {settings.window_messages} messages used) and {kind}: "
        "unreachable until the customer writes again"
    )


def keyword_data(fields: dict[str, str], values: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each keyword's text with the message's values, on one line, cut to what WeChat
    shows (20 characters) so the reader sees where it was cut."""
    data = {}
    for keyword, pattern in fields.items():
        text = " ".join(pattern.format_map(_Blank(values)).split())
        if len(text) > KEYWORD_CHARS:
            text = text[: KEYWORD_CHARS - 1] + "…"
        data[keyword] = {"value": text}
    return data


class _Blank(dict[str, str]):
    """Values a message does not carry (no solution yet) show as empty, not as an error."""

    def __missing__(self, key: str) -> str:
        return ""


class WeComAppSender:
    """Answers and alerts to a staff member's WeCom app chat."""

    channel = WECOM_APP
    limits = UNLIMITED

    def __init__(
        self, api: PlatformAPI, agent_id: int, language: Language, store: FileStore | None = None
    ) -> None:
        self.api, self.agent_id, self.language, self.store = api, agent_id, language, store

    def is_group(self, chat_id: str) -> bool:
        return False

    async def deliver(self, message: Outgoing) -> Delivered:
        """Images and voice notes as messages of their own (uploaded), then the text."""
        found = await split(
            self.store, as_text(message, self.language), message.media, self.channel, self.language
        )
        return await one_part(
            message.first_part,
            found.files,
            _pages(found.text, bool(found.files), limit=None),
            lambda item: self._send(message.chat_id, item),
            lambda text: self._send(message.chat_id, text),
        )

    async def _send(self, chat_id: str, what: str | Attached) -> None:
        body: dict[str, object] = {"touser": chat_id, "agentid": self.agent_id}
        kind = "text" if isinstance(what, str) else sendable(what)
        media = (
            None
            if isinstance(what, str)
            else await media_id(self.api, self.store, what, self.channel)
        )
        if isinstance(what, str) or kind is None or media is None:
            text = what if isinstance(what, str) else file_line(what, self.language, False)
            body |= {"msgtype": "text", "text": {"content": text}}
        else:
            body |= {"msgtype": kind, kind: {"media_id": media}}
        await self.api.post("/cgi-bin/message/send", body)


class WeComRobotSender:
    """A department group's robot: markdown, 4096 bytes, 20 messages a minute."""

    channel = ROBOT
    limits = ChannelLimits(per_group=20 / 60, max_text=ROBOT_MAX_BYTES)

    def __init__(
        self,
        api: PlatformAPI,
        keys: Mapping[str, str] | None = None,
        store: FileStore | None = None,
        language: Language | None = None,
    ) -> None:
        self.api, self.store = api, store
        self.keys = dict(keys or {})  # robot name -> webhook key, from configuration only
        self.language = language or Language.ZH_HANS

    def is_group(self, chat_id: str) -> bool:
        return True

    async def deliver(self, message: Outgoing) -> Delivered:
        """The markdown (a line per file), then each photo of 2 MB at most as an image
        (a robot takes an image as base64 and its md5, nothing else without an upload)."""
        # The chat id is a robot's name ([wecom.robots]); an unnamed one is a key as
        # configured before issue 15, and check-config asks to name it.
        key = self.keys.get(message.chat_id, message.chat_id)
        url = f"{self.api.base}/cgi-bin/webhook/send?key={key}"
        photos = await robot_photos(self.store, message.media)
        number = min(message.first_part, len(photos))
        if number == 0:
            lines = [robot_line(item, self.language) for item in message.media]
            content = _within_bytes("\n".join([markdown(message), *lines]), ROBOT_MAX_BYTES)
            body: dict[str, object] = {"msgtype": "markdown", "markdown": {"content": content}}
        else:
            body = robot_image(photos[number - 1])
        await self.api.post_plain(url, body)  # robots cannot edit: a changed card is posted anew
        return Delivered(None, parts_sent=number + 1, more=number < len(photos))


def markdown(message: Outgoing) -> str:
    """The text as typed (inert), then each button as the command that does the same,
    formatted by us: a quote line with the command in `code`."""
    lines = [inert_markdown(without_document(message).text)]
    for choice in message.choices:
        command = staff_command(choice["action"])
        if command is not None:
            lines.append(f"> {inert_markdown(choice['label'])}: `{command}`")
    return "\n".join(lines)


def _within_bytes(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[: limit - 3].decode(errors="ignore") + "…"
