"""Text written by people, made inert for what WeChat and WeCom interpret.

The desk's texts are plain (customers' and staff's words in them), so every markup
character is replaced by its full-width twin: it reads the same and renders as itself.
WeCom robot markdown (v1) reads headings (#), bold (**), links ([t](u)), `code`, quotes
(>), <font color> and <@userid> mentions (<@all> pings a whole group); Official Account
and WeCom app text messages read <a href> (and mini-program links) as live links.
"""

from __future__ import annotations

import re

_MARKDOWN = str.maketrans(
    {"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "`": "｀", "&": "＆"}
)
_TEXT = str.maketrans({"<": "＜", ">": "＞", "&": "＆"})
_HEADING = re.compile(r"^(\s*)#", re.MULTILINE)
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):(?=//)")


def inert_markdown(text: str) -> str:
    """Shown as typed in a robot's markdown: no heading, bold, link, code, quote, colour,
    mention; a bare URL is shown but not clickable (a customer's link is copied, not hit)."""
    text = _HEADING.sub(r"\1＃", text.translate(_MARKDOWN)).replace("__", "＿＿")  # bold too
    return _SCHEME.sub(r"\1：", text)


def inert_text(text: str) -> str:
    """Shown as typed in a WeChat / WeCom text message: no <a href> link."""
    return text.translate(_TEXT)
