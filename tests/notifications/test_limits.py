"""The limiter's windows (notifications/limits.py): a group's forum topics ('group:thread',
issue 13) are the group's, so posting to its topics never exceeds the group's allowance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notifications.limits import GROUP_WINDOW, Limiter
from notifications.senders import ChannelLimits

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
TELEGRAM = ChannelLimits(per_chat=1.0, per_group=20 / 60, overall=25.0, max_text=4096)


def test_a_groups_topics_share_its_minute() -> None:
    limiter = Limiter(TELEGRAM)
    for second in range(20):  # twenty posts into twenty topics of one group
        limiter.record(f"-1001:{second + 2}", True, NOW + timedelta(seconds=second))
    later = NOW + timedelta(seconds=30)
    assert limiter.ready_at("-1001", True, later) >= NOW + GROUP_WINDOW
    assert limiter.ready_at("-1001:99", True, later) >= NOW + GROUP_WINDOW
    assert limiter.room("-1001:5", later) == 0
    assert limiter.ready_at("-1002:3", True, later) == later  # another group is free


def test_a_429_in_a_topic_holds_its_whole_group() -> None:
    limiter = Limiter(TELEGRAM)
    limiter.hold("-1001:7", NOW + timedelta(seconds=30), group=True)
    assert limiter.ready_at("-1001:8", True, NOW) == NOW + timedelta(seconds=30)
    assert limiter.ready_at("4242", False, NOW) == NOW  # a private chat is not held


def test_a_private_chat_is_paced_alone() -> None:
    limiter = Limiter(TELEGRAM)
    limiter.record("4242", False, NOW)
    assert limiter.ready_at("4242", False, NOW) > NOW
    assert limiter.ready_at("4243", False, NOW) == NOW
