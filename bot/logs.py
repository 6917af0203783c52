"""Log lines an operator can read on a terminal and a collector can parse (issue 17).

Our messages are `event key=value ...` (STYLE habit 12). On a terminal they stay that text;
elsewhere (a service, a container, a pipe) each record becomes one JSON object per line
with the event and every key=value as its own field. Both pass through one guard: phone,
ID-card and bank-card numbers and e-mail addresses are masked (conversations/base/privacy.py:
the default regions until the config is read, then its [policy.privacy] phone_regions) and
body-like keys withheld, whatever a library puts in a message.
"""

from __future__ import annotations

import ast
import json
import logging
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from conversations.base import privacy

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LEVEL_ENV = "COMPLAINTDESK_LOGGING__LEVEL"
RESERVED = ("time", "level", "logger", "event", "exc_type", "traceback")
# Keys that would carry what a person wrote; never logged, only their length.
BODY_KEYS = frozenset({"body", "text", "content", "description", "caption", "comment"})
DETAIL_LIMIT = 300  # free text of other libraries' messages is cut here: no body fits in it
# Libraries whose DEBUG lines repeat SQL parameters (names, phones): never below INFO.
PARAMETER_LOGGERS = ("aiosqlite",)

_EVENT = re.compile(r"[a-z][a-z0-9_]*\Z")
_PAIR = re.compile(
    r"(?P<key>[A-Za-z_][\w.]*)="
    r"(?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\[[^\]]*\]|\([^)]*\)|\S*)"
)
# Anything written like an international number, valid or not, once privacy's mask is done.
_INTERNATIONAL = re.compile(r"\+\d[\d -]{6,16}\d")


def mask(text: str, regions: Sequence[str] = privacy.DEFAULT_REGIONS) -> str:
    """Every phone, ID-card and card number and address in the text masked: 138****5678."""
    text = privacy.mask(text, regions)
    return _INTERNATIONAL.sub(lambda found: privacy.mask_phone(found[0], regions), text)


def parse(message: str) -> dict[str, str]:
    """`event key=value ...` as fields; a value may be quoted ('a b', "a b") or bracketed.
    Words that are no pair are kept as `detail`; a message of another shape is all detail."""
    head, _, rest = message.strip().partition(" ")
    if not _EVENT.match(head):
        return {"event": "message", "detail": _cut(message)}
    fields = {"event": head}
    leftover: list[str] = []
    position = 0
    for found in _PAIR.finditer(rest):
        leftover.append(rest[position : found.start()].strip())
        position = found.end()
        key = found["key"]
        fields[f"msg_{key}" if key in RESERVED else key] = _unquote(found["value"])
    leftover.append(rest[position:].strip())
    detail = " ".join(word for word in leftover if word)
    if detail:
        fields["detail"] = _cut(detail)
    return fields


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        try:
            return str(ast.literal_eval(value))
        except (ValueError, SyntaxError):
            return value[1:-1]
    return value


def _cut(text: str) -> str:
    return text if len(text) <= DETAIL_LIMIT else text[:DETAIL_LIMIT] + "…"


def guarded(
    fields: dict[str, str], regions: Sequence[str] = privacy.DEFAULT_REGIONS
) -> dict[str, str]:
    """The fields with phone numbers masked and bodies replaced by their length."""
    return {
        key: f"[{len(value)} chars withheld]" if key in BODY_KEYS else mask(value, regions)
        for key, value in fields.items()
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, event, the message's pairs."""

    def __init__(self, regions: Sequence[str] = privacy.DEFAULT_REGIONS) -> None:
        super().__init__()
        self.regions = tuple(regions)

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        line |= guarded(parse(record.getMessage()), self.regions)
        if record.exc_info and record.exc_info[0] is not None:
            line["exc_type"] = record.exc_info[0].__name__
            line["traceback"] = mask(self.formatException(record.exc_info), self.regions)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """key=value as before, through the same guard."""

    def __init__(self, regions: Sequence[str] = privacy.DEFAULT_REGIONS) -> None:
        super().__init__("%(asctime)s level=%(levelname)s %(name)s %(message)s")
        self.regions = tuple(regions)

    def format(self, record: logging.LogRecord) -> str:
        fields = parse(record.getMessage())
        if BODY_KEYS.isdisjoint(fields):
            return mask(super().format(record), self.regions)
        shown = logging.makeLogRecord(record.__dict__)  # other handlers keep the original
        shown.msg, shown.args = _text(guarded(fields, self.regions)), None
        return mask(super().format(shown), self.regions)


def _text(fields: dict[str, str]) -> str:
    pairs = (f"{key}={_quoted(value)}" for key, value in fields.items() if key != "event")
    return " ".join([fields["event"], *pairs])


def _quoted(value: str) -> str:
    return repr(value) if not value or " " in value or "'" in value else value


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is at the time (a CLI runner swaps it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        """The stream is always the current stderr."""


def configured_level(name: str | None) -> int:
    """The level given, else COMPLAINTDESK_LOGGING__LEVEL (read before any config is)."""
    return level_number(name or os.environ.get(LEVEL_ENV))


def level_number(name: str | None) -> int:
    """A level name (any case) as logging's number; INFO when absent or unknown."""
    upper = (name or "INFO").strip().upper()
    return logging.getLevelName(upper) if upper in LEVELS else logging.INFO


def install(
    level: int,
    handler: logging.Handler | None = None,
    regions: Sequence[str] = privacy.DEFAULT_REGIONS,
) -> logging.Handler | None:
    """Our handler on the root logger at `level`, replacing the one installed before;
    `handler` given: that one instead of stderr's (a test's stream); `regions`: whose
    phone numbers its lines mask.

    Like basicConfig, it stands back when someone else put handlers on the root (a host
    application, pytest): their logging setup is theirs, and stays as it was."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "complaintdesk", False)]:
        root.removeHandler(old)
    if handler is None and root.handlers:
        return None
    if handler is None:
        handler = StderrHandler()
        formatter = TextFormatter if sys.stderr.isatty() else JsonFormatter
        handler.setFormatter(formatter(regions))
    handler.complaintdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in PARAMETER_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    return handler
