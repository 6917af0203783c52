"""Every legal and illegal lifecycle transition (POLICY §4), checked on the table itself."""

from __future__ import annotations

import pytest

from conversations.base.values import CaseStatus
from handlers.lifecycle import TRANSITIONS, Action, advance
from handlers.refusals import Refusal
from storage.models import Case

PAIRS = [(action, status) for action in Action for status in CaseStatus]

EXPECTED_TARGETS = {
    Action.ROUTE: CaseStatus.ASSIGNED,
    Action.TAKE: CaseStatus.ACKNOWLEDGED,
    Action.INVESTIGATE: CaseStatus.INVESTIGATING,
    Action.PROPOSE: CaseStatus.SOLUTION_PROPOSED,
    Action.APPROVE: CaseStatus.APPROVED,
    Action.SEND_BACK: CaseStatus.INVESTIGATING,
    Action.ACCEPT: CaseStatus.AGREED_BY_CUSTOMER,
    Action.REFUSE: CaseStatus.INVESTIGATING,
    Action.START: CaseStatus.IMPLEMENTING,
    Action.RESOLVE: CaseStatus.RESOLVED,
    Action.REJECT_RESOLUTION: CaseStatus.IMPLEMENTING,
    Action.FOLLOW_UP: CaseStatus.FOLLOW_UP,
    Action.CLOSE: CaseStatus.CLOSED,
    Action.REOPEN: CaseStatus.INVESTIGATING,
    Action.REASSIGN: CaseStatus.ASSIGNED,
}


@pytest.mark.parametrize(("action", "status"), PAIRS, ids=lambda v: str(v))
def test_transition_is_taken_only_from_its_listed_statuses(
    action: Action, status: CaseStatus
) -> None:
    case = Case(number="TS202611-0001", status=status)
    allowed, _ = TRANSITIONS[action]
    if status in allowed:
        assert advance(case, action) is status
        assert case.status is EXPECTED_TARGETS[action]
    else:
        with pytest.raises(Refusal) as refused:
            advance(case, action)
        assert refused.value.key == "case.wrong_status"
        assert refused.value.params["status"] == status.value
        assert case.status is status  # an illegal step changes nothing


def test_closed_is_left_only_by_reopening() -> None:
    leaving = [a for a, (allowed, _) in TRANSITIONS.items() if CaseStatus.CLOSED in allowed]
    assert leaving == [Action.REOPEN]
