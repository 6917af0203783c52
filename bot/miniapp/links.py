"""The Mini App as the use cases see it (handlers.miniapp_signin.MiniAppLinks): one-time
sign-in links signed with the key the pages check, so /signin in WeCom and the page's
button make the same links (issue 16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from bot.miniapp.auth import Signer, signin_token
from bot.miniapp.readers import signing_key
from conversations.base.clock import Clock

if TYPE_CHECKING:
    from bot.config import Config


@dataclass(frozen=True)
class Links:
    url: str
    signer: Signer
    minutes: int
    clock: Clock

    def signin_link(self, staff_id: int, case: str = "") -> str:
        expires = self.clock.now() + timedelta(minutes=self.minutes)
        token = signin_token(self.signer, staff_id, expires)
        return f"{self.url}/app/signin/{token}" + (f"?case={quote(case)}" if case else "")


def links(config: Config, clock: Clock) -> Links | None:
    """None unless the Mini App is enabled with its url (check-config warns otherwise)."""
    mini = config.miniapp
    if not mini.enabled or mini.url is None:
        return None
    token = config.telegram.token
    key = signing_key(mini, token.get_secret_value() if token else None)
    return Links(mini.url, Signer(key), mini.link_minutes, clock)
