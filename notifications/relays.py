"""Payload pieces for messages that carry files or belong in a case's forum topic
(issue 13; the outbox contract the dispatcher and the senders read)."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.base.messages import Media
from conversations.base.policy import Policy
from conversations.base.values import CaseStatus
from storage.models import Case

TOPIC_NAME = 128  # Telegram's limit on a forum topic's name


def media_payload(channel: str, media: Sequence[Media]) -> dict[str, object]:
    """`{"media": [...]}` for files that came in on `channel` (none: nothing). A sender on
    the same channel reuses `ref`; another uploads the stored copy at `path`."""
    if not media:
        return {}
    return {
        "media": [
            {"kind": m.kind, "channel": channel, "ref": m.ref, "path": m.path, "name": m.name}
            for m in media
        ]
    }


def topic_name(policy: Policy, case: Case) -> str:
    """'<number> · <category>', in the staff's language."""
    try:
        names = policy.category(case.category).names
        category = names.get(policy.default_language, case.category)
    except KeyError:  # a category since removed from the config
        category = case.category
    return f"{case.number} · {category}"[:TOPIC_NAME]


def card_topic(policy: Policy, case: Case, department: str) -> dict[str, object]:
    """What the department's card row says about the case's topic: open it (the delivery
    opens it once, before the first card) or, once the case is closed, close it. Nothing
    for a department whose group is not a forum."""
    if not policy.department(department).topics:
        return {}
    if case.status is CaseStatus.CLOSED:
        return {"topic": {"close": True}}
    return {"topic": {"open": topic_name(policy, case)}}


def in_topic(policy: Policy, department: str) -> dict[str, object]:
    """A department row goes into the case's topic (the group itself while it has none)."""
    return {"in_topic": True} if policy.department(department).topics else {}
