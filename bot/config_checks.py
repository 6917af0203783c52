"""What one section of the configuration cannot tell alone (issue 11).

Refusals are values `run` would die of or fail on every case (a chat id of the wrong shape
for its channel, a calendar with no working time); warnings are values that run but
leave something silently undone (no manager, a department with no chat). Each names its
dotted key and says what to fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot import config_rules as rules
from conversations.base.worktime import WorkingCalendar

if TYPE_CHECKING:
    from bot.config import Config

STAFF_CHANNELS = ("telegram", "wecom", "wecom_robot")  # where department alerts can go
NONZERO_SPANS = ("conversation_idle", "survey_reminder_after", "progress_report_every")


@dataclass(frozen=True)
class Problem:
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


def configured_channels(config: Config) -> set[str]:
    """The platform channels this configuration serves (console when there is none)."""
    channels = {"telegram"} if config.telegram.token else set()
    if config.wechat.enabled:
        channels.add("wechat")
    if config.wecom.enabled:
        channels |= {"wecom", "wecom_robot"}
    return channels or {"console"}


def refusals(config: Config, now: datetime) -> list[Problem]:
    """Values that would crash the process or fail every filing."""
    return [
        *_chats(config),
        *_accounts(config),
        *_calendar(config, now),
        *_spans(config),
        *_missing_deadlines(config),
    ]


def _chat_problem(channel: str, chat: str, *, account: bool = False) -> str | None:
    if channel not in rules.CHANNELS:
        return f"unknown channel {channel!r}: use one of {', '.join(rules.CHANNELS)}"
    return rules.account_id(channel, chat) if account else rules.chat_id(channel, chat)


def _chats(config: Config) -> Iterator[Problem]:
    policy = config.policy
    for index, department in enumerate(policy.departments):
        for channel, chat in department.chats.items():
            reason = _chat_problem(channel, chat)
            if reason:
                yield Problem(f"policy.departments.{index}.chats.{channel}", f"{reason} ({chat!r})")
    for index, recipient in enumerate(policy.digest.recipients):
        reason = _chat_problem(recipient.channel, recipient.chat)
        if reason:
            yield Problem(f"policy.digest.recipients.{index}", f"{reason} ({recipient.chat!r})")


def _accounts(config: Config) -> Iterator[Problem]:
    """Account shapes, and no account or name given to two roster entries."""
    owners: dict[tuple[str, str], int] = {}
    names: dict[str, int] = {}
    for index, member in enumerate(config.policy.staff):
        if member.name in names:
            yield Problem(
                f"policy.staff.{index}.name",
                f"{member.name!r} is already policy.staff.{names[member.name]}: the roster "
                "matches people by name, so give each entry its own name",
            )
        names.setdefault(member.name, index)
        for channel, account in member.accounts.items():
            key = f"policy.staff.{index}.accounts.{channel}"
            reason = _chat_problem(channel, account, account=True)
            if reason:
                yield Problem(key, f"{reason} ({account!r})")
            elif (channel, account) in owners:
                first = owners[channel, account]
                yield Problem(
                    key,
                    f"{account!r} is also the {channel} account of "
                    f"{config.policy.staff[first].name!r} (policy.staff.{first}): "
                    "one account belongs to one person",
                )
            owners.setdefault((channel, account), index)


def _calendar(config: Config, now: datetime) -> Iterator[Problem]:
    calendar = config.policy.calendar
    wrong = [day for day in calendar.weekend if not 0 <= day <= 6]
    if wrong:
        yield Problem(
            "policy.calendar.weekend", f"{wrong} are not weekdays: use 0 (Monday) to 6 (Sunday)"
        )
    elif set(range(7)) <= set(calendar.weekend):
        yield Problem(
            "policy.calendar.weekend",
            "every day of the week is listed, so there is no working time (beyond the years "
            "the region's official calendar covers) and filings fail: list only the days "
            "off, e.g. [5, 6]",
        )
        return
    try:
        WorkingCalendar(calendar).add_working(now, timedelta(seconds=1))
    except ValueError:
        yield Problem(
            "policy.calendar",
            "no working time in the next ten years (closures, holidays and weekends cover "
            "every day), so every filing fails: shorten the closures or holidays",
        )


def _missing_deadlines(config: Config) -> Iterator[Problem]:
    """A grade, category and kind with no deadline for a step it must run: such a filing
    (or that step) would fail (issue 14)."""
    for (grade, step), where in config.policy.missing_deadlines().items():
        shown = ", ".join(where[:6]) + (f" and {len(where) - 6} more" if len(where) > 6 else "")
        yield Problem(
            f"policy.deadlines.{grade}.{step}",
            f"no deadline for {step} of a {grade} case ({shown}): add it to "
            f"[policy.deadlines.{grade}] or a [[policy.deadline_rules]] entry that covers these",
        )


def _spans(config: Config) -> Iterator[Problem]:
    policy = config.policy
    for grade, steps in policy.deadlines.items():
        for step, span in steps.items():
            if span.amount <= 0:
                yield Problem(
                    f"policy.deadlines.{grade}.{step}",
                    f"{span} is no time at all: every case would be overdue at once; "
                    "give a length such as '4 working hours'",
                )
    for index, rule in enumerate(policy.deadline_rules):
        if rule.span.amount <= 0:
            yield Problem(
                f"policy.deadline_rules.{index}.span",
                f"{rule.span} is no time at all: give a length such as '3 working days'",
            )
    for name in NONZERO_SPANS:
        if getattr(policy, name).amount <= 0:
            yield Problem(f"policy.{name}", "must be longer than zero, e.g. '1 working day'")
