"""The shipped example configuration is the policy the tests run on, so it stays valid."""

from __future__ import annotations

from functools import cache

from bot.config import EXAMPLE_CONFIG, load_config
from conversations.base.policy import Policy


@cache
def test_policy() -> Policy:
    return load_config(EXAMPLE_CONFIG).policy
