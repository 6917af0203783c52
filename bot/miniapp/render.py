"""Server-side pages: Jinja2 templates in the reader's language, autoescaped, and the
security headers every answer carries (CSP: our scripts and Telegram's only)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.miniapp.words import page_words
from conversations.base.i18n import translation
from conversations.base.policy import Language

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
CSP = (
    "default-src 'none'; "
    "script-src 'self' https://telegram.org; "
    "style-src 'self'; "
    "img-src 'self' blob: data:; "
    "connect-src 'self'; "
    "form-action 'self'; "
    "base-uri 'none'; "
    "frame-ancestors https://web.telegram.org https://*.telegram.org"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, language: Language, status: int = 200, **context: Any) -> web.Response:
    words = page_words(translation(language))
    body = (
        _environment()
        .get_template(name)
        .render(
            w=words,
            lang=language.value.replace("_", "-"),
            telegram_script=TELEGRAM_SCRIPT,
            **context,
        )
    )
    return web.Response(text=body, status=status, content_type="text/html", headers=HEADERS)


def secured(response: web.StreamResponse) -> web.StreamResponse:
    response.headers.update(HEADERS)
    return response
