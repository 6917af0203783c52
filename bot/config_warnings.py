"""Configurations that run but leave work silently undone (issue 11): each warning says
what will not happen and what to change. `check-config` prints them; `run` logs them once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.config_checks import STAFF_CHANNELS, Problem, configured_channels
from bot.config_rules import TELEGRAM_SECRET_LENGTH
from conversations.base.policy import Language
from conversations.base.worktime import uncovered_years

if TYPE_CHECKING:
    from bot.config import Config

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def warnings(config: Config, now: datetime | None = None) -> list[Problem]:
    return [
        *_calendar_coverage(config, (now or datetime.now(UTC)).date()),
        *_roster(config),
        *_department_chats(config),
        *_unreachable_staff(config),
        *_idle_chats(config),
        *_clear(config),
        *_token(config),
        *_miniapp(config),
        *_robot_keys(config),
        *_story_phrases(config),
    ]


def _story_phrases(config: Config) -> Iterator[Problem]:
    """A category with no story phrases in a language is never guessed from a customer's
    story in it (issue 19): every such customer is asked to pick from the menu. A config
    written from an older example has none at all."""
    for index, category in enumerate(config.policy.categories):
        missing = [code.value for code in Language if not category.phrases.get(code)]
        if missing:
            yield Problem(
                f"policy.categories.{index}.phrases",
                f"category {category.key!r} has no story phrases in {', '.join(missing)}, so "
                "the story reader never guesses it there and customers are asked to choose: "
                "add the words customers use for it (see the example config)",
            )


def _robot_keys(config: Config) -> Iterator[Problem]:
    """A WeCom robot chat given as its webhook key: the key would be stored in every outbox
    row (issue 15). Name it in [wecom.robots] and give the name here."""
    if "wecom_robot" not in configured_channels(config):
        return  # _idle_chats says so already
    named = config.wecom.robots
    places = [
        (f"policy.departments.{index}.chats.wecom_robot", department.chats.get("wecom_robot"))
        for index, department in enumerate(config.policy.departments)
    ]
    places += [
        (f"policy.digest.recipients.{index}", recipient.chat)
        for index, recipient in enumerate(config.policy.digest.recipients)
        if recipient.channel == "wecom_robot"
    ]
    for key, chat in places:
        if chat is not None and chat not in named:
            yield Problem(
                key,
                "this names no robot of [wecom.robots], so it is taken as a webhook key and "
                "stored with every alert: add the key under [wecom.robots] with a name and "
                "give the name here",
            )


def _calendar_coverage(config: Config, today: date) -> Iterator[Problem]:
    """A year ahead with no official data and no configured holidays: its public holidays
    would count as working days, and every deadline in them would be early."""
    for year in uncovered_years(config.policy.calendar, today):
        yield Problem("policy.calendar.holidays", coverage_message(year))


def coverage_message(year: int) -> str:
    return (
        f"{year} is within the next 12 months, but the holiday package has no data for it "
        f"and no {year} day is listed, so its public holidays count as working days: list "
        f"{year}'s days off in calendar.holidays and make-up days in calendar.workdays "
        "(README: The yearly holiday update)"
    )


def _roster(config: Config) -> Iterator[Problem]:
    staff = config.policy.staff
    if not staff:
        yield Problem(
            "policy.staff",
            "the roster is empty, so nobody can take a case: add [[policy.staff]] entries, "
            "or invite people with `complaintdesk staff invite --department D`",
        )
    elif not any(member.role == "manager" for member in staff):
        yield Problem(
            "policy.staff",
            'no one has role = "manager", so solutions that need approval wait for ever: '
            "give a member that role, or invite one with --role manager",
        )


def _department_chats(config: Config) -> Iterator[Problem]:
    """A department with no chat on a served channel: its alerts reach nobody."""
    served = configured_channels(config)
    staff_channels = sorted(served & {*STAFF_CHANNELS, "console"})
    if not staff_channels:
        yield Problem(
            "wecom",
            "no staff channel is configured (only WeChat customers are served), so alerts "
            "reach nobody: configure [telegram] or [wecom] for staff",
        )
        return
    for index, department in enumerate(config.policy.departments):
        if not set(department.chats) & set(staff_channels):
            yield Problem(
                f"policy.departments.{index}.chats",
                f"{department.key} has no chat on {' or '.join(staff_channels)}, so its "
                f'alerts reach nobody: add e.g. {staff_channels[0]} = "<chat id>"',
            )


def _unreachable_staff(config: Config) -> Iterator[Problem]:
    """A roster member with no account on a served staff channel never hears of a case."""
    reachable = configured_channels(config) & {*STAFF_CHANNELS, "console"}
    if not reachable:
        return
    for index, member in enumerate(config.policy.staff):
        if not set(member.accounts) & reachable:
            yield Problem(
                f"policy.staff.{index}.accounts",
                f"{member.name} has no account on {' or '.join(sorted(reachable))}: unless "
                "they joined with /register CODE, they are not told of cases and cannot act; "
                "add their user id there",
            )


def _idle_chats(config: Config) -> Iterator[Problem]:
    """Chats on a platform that is not configured: their messages wait in the outbox."""
    served = configured_channels(config)
    places = [
        (f"policy.departments.{index}.chats.{channel}", channel)
        for index, department in enumerate(config.policy.departments)
        for channel in department.chats
    ]
    places += [
        (f"policy.digest.recipients.{index}", recipient.channel)
        for index, recipient in enumerate(config.policy.digest.recipients)
    ]
    for key, channel in places:
        if channel != "console" and channel not in served:
            yield Problem(
                key,
                f"{channel} is not configured, so messages to this chat wait in the outbox: "
                f"configure {channel} or remove the chat",
            )


def _clear(config: Config) -> Iterator[Problem]:
    """Platform calls carry the bot token or access token in the URL or body."""
    bases = {
        "telegram.api_base": config.telegram.api_base,
        "wechat.api_base": config.wechat.api_base,
        "wecom.api_base": config.wecom.api_base,
    }
    for key, base in bases.items():
        if base is None:
            continue
        parts = urlsplit(base)
        if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
            yield Problem(
                key,
                f"{base} is plain http to another machine, so tokens cross the network "
                "unencrypted: use https, or a server on 127.0.0.1",
            )


def _token(config: Config) -> Iterator[Problem]:
    """Only a warning: Telegram answers a cut token with 401, which stops `run` with its
    own message, and Telegram may change the length one day."""
    token = config.telegram.token
    secret = token.get_secret_value().partition(":")[2] if token else None
    if secret is not None and len(secret) < TELEGRAM_SECRET_LENGTH:
        yield Problem(
            "telegram.token",
            f"the part after the colon has {len(secret)} characters where @BotFather gives 35: "
            "if Telegram refuses it, copy the whole token again",
        )


def _miniapp(config: Config) -> Iterator[Problem]:
    """[miniapp] enabled without what its pages need (issue 16)."""
    mini = config.miniapp
    if not mini.enabled:
        return
    if mini.url is None:
        yield Problem(
            "miniapp.url",
            "the Mini App is enabled without url, so no button opens its pages and no "
            "sign-in link can be sent: set url to the web server's public https address",
        )
    if config.telegram.token is not None:
        return
    yield Problem(
        "miniapp.enabled",
        "the Mini App is enabled without [telegram] token, so pages opened inside Telegram "
        "are refused (Telegram signs them with the token): configure [telegram], or staff "
        "sign in only with /signin links",
    )
    if mini.secret is None:
        yield Problem(
            "miniapp.secret",
            "no secret and no Telegram token, so cookies and sign-in links are signed with a "
            "key made at start: each restart signs everyone out and voids the links sent; "
            "set secret (or COMPLAINTDESK_MINIAPP__SECRET) to a long random string",
        )
