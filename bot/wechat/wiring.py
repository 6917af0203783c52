"""Assemble the WeChat Official Account and WeCom parts that the config enables."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.config import Config
from bot.files import FileStore
from bot.wechat.api import official_account_api, wecom_api
from bot.wechat.callback import official_account, wecom_app
from bot.wechat.links import MediaLinks, link_key
from bot.wechat.media import Fetcher
from bot.wechat.senders import OfficialAccountSender, WeComAppSender, WeComRobotSender
from bot.wechat_parts import WeChatParts
from conversations.base.clock import Clock
from handlers.dispatch import Inbox
from storage.engine import Database

OFFICIAL_ACCOUNT_PATH = "/wechat/callback"
WECOM_PATH = "/wecom/callback"


def senders_for(
    config: Config, db: Database, clock: Clock, api_timeout: float | None = None
) -> WeChatParts:
    """The senders (needed before the dispatcher exists); callbacks come later.
    `api_timeout`: seconds one WeChat / WeCom API call may take (default: the config's)."""
    parts, language = WeChatParts(), config.policy.default_language
    store = FileStore.for_config(config)
    wechat, wecom = config.wechat, config.wecom
    if wechat.enabled:
        assert wechat.app_id and wechat.app_secret
        api = official_account_api(
            wechat.api_base,
            wechat.app_id,
            wechat.app_secret.get_secret_value(),
            db,
            clock,
            api_timeout or wechat.api_timeout_seconds,
        )
        parts.senders["wechat"] = OfficialAccountSender(
            api, wechat, db, clock, language, store, media_links(config, store, clock)
        )
        parts.apis.append(api)
    if wecom.enabled:
        assert wecom.corp_id and wecom.corp_secret and wecom.agent_id
        api = wecom_api(
            wecom.api_base,
            wecom.corp_id,
            wecom.corp_secret.get_secret_value(),
            db,
            clock,
            api_timeout or wecom.api_timeout_seconds,
        )
        parts.senders["wecom"] = WeComAppSender(api, wecom.agent_id, language, store)
        keys = {name: key.get_secret_value() for name, key in wecom.robots.items()}
        parts.senders["wecom_robot"] = WeComRobotSender(api, keys, store, language)
        parts.apis.append(api)
    return parts


def add_callbacks(
    parts: WeChatParts,
    config: Config,
    inbox: Inbox,
    max_clock_skew: timedelta | None = None,
    **options: Any,
) -> None:
    """`max_clock_skew`: how far a callback's signed timestamp may be from our clock
    (default: the config's); `options` go to each SecureCallback (hold_for, dispatch)."""
    wechat, wecom = config.wechat, config.wecom
    store = FileStore.for_config(config)
    if wechat.enabled:
        assert wechat.token and wechat.encoding_aes_key and wechat.app_id
        sender = parts.senders["wechat"]
        assert isinstance(sender, OfficialAccountSender)
        parts.callbacks[OFFICIAL_ACCOUNT_PATH] = official_account(
            wechat.token.get_secret_value(),
            wechat.encoding_aes_key.get_secret_value(),
            wechat.app_id,
            inbox,
            max_clock_skew or timedelta(seconds=wechat.max_clock_skew_seconds),
            fetcher=Fetcher(sender.api, store),
            links=sender.links,
            **options,
        )
    if wecom.enabled:
        assert wecom.token and wecom.encoding_aes_key and wecom.corp_id
        app_sender = parts.senders["wecom"]
        assert isinstance(app_sender, WeComAppSender)
        parts.callbacks[WECOM_PATH] = wecom_app(
            wecom.token.get_secret_value(),
            wecom.encoding_aes_key.get_secret_value(),
            wecom.corp_id,
            inbox,
            max_clock_skew or timedelta(seconds=wecom.max_clock_skew_seconds),
            fetcher=Fetcher(app_sender.api, store),  # staff's photos kept like customers'
            **options,
        )


def media_links(config: Config, store: FileStore, clock: Clock) -> MediaLinks | None:
    """Signed links to a photo for template messages, when the server has a public
    address ([wechat] public_url, else the Mini App's url) (issue 13)."""
    base = config.wechat.public_url or config.miniapp.url
    secret = config.wechat.app_secret
    if base is None or secret is None:
        return None
    return MediaLinks(base, link_key(secret.get_secret_value()), store, clock)
