"""Domain refusals: expected 'no' answers, kept apart from bugs (STYLE habit 10).

Each carries a catalog key and named values, so the channel can word it politely in the
person's language; the message is for logs and operators.
"""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(f"{key} {params}" if params else key)
        self.key = key
        self.params = params
