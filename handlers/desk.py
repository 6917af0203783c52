"""What every use case needs besides the transaction: policy, calendar and clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.base.clock import Clock
from conversations.base.policy import Policy
from conversations.base.worktime import WorkingCalendar
from handlers.rows import Reported


@dataclass(frozen=True)
class Desk:
    policy: Policy
    calendar: WorkingCalendar
    clock: Clock
    reported: Reported = field(default_factory=Reported, compare=False)  # sweep faults logged

    @classmethod
    def build(cls, policy: Policy, clock: Clock) -> Desk:
        return cls(policy, WorkingCalendar(policy.calendar), clock)
