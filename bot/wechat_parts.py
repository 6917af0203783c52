"""What the WeChat Official Account and WeCom wiring hands the app: senders, callbacks, API
clients. Kept outside bot/wechat so a desk without WeChat never imports the adapters or
wechatpy (issue 18); bot/wechat/wiring.py fills it when the config enables them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from notifications.senders import Sender

if TYPE_CHECKING:
    from bot.wechat.api import PlatformAPI
    from bot.wechat.callback import SecureCallback


@dataclass
class WeChatParts:
    senders: dict[str, Sender] = field(default_factory=dict)
    callbacks: dict[str, SecureCallback] = field(default_factory=dict)
    apis: list[PlatformAPI] = field(default_factory=list)
