"""What every use case needs besides the transaction: policy, calendar and clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from conversations.base.clock import Clock
from conversations.base.policy import Policy
from conversations.base.worktime import WorkingCalendar
from handlers.rows import Reported

if TYPE_CHECKING:
    from handlers.miniapp_signin import MiniAppLinks


@dataclass(frozen=True)
class Desk:
    policy: Policy
    calendar: WorkingCalendar
    clock: Clock
    reported: Reported = field(default_factory=Reported, compare=False)  # sweep faults logged
    miniapp: MiniAppLinks | None = field(default=None, compare=False)  # enabled, with a url

    @classmethod
    def build(cls, policy: Policy, clock: Clock, miniapp: MiniAppLinks | None = None) -> Desk:
        return cls(policy, WorkingCalendar(policy.calendar), clock, miniapp=miniapp)
