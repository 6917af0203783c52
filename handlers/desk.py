"""What every use case needs besides the transaction: policy, calendar and clock."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.policy import Policy
from notifications.clock import Clock
from notifications.worktime import WorkingCalendar


@dataclass(frozen=True)
class Desk:
    policy: Policy
    calendar: WorkingCalendar
    clock: Clock

    @classmethod
    def build(cls, policy: Policy, clock: Clock) -> Desk:
        return cls(policy, WorkingCalendar(policy.calendar), clock)
