"""The case lifecycle of POLICY §4 as a table of guarded transitions.

An action is legal only from the statuses listed for it; anything else is refused with
the current status named, and the case is left untouched.
"""

from __future__ import annotations

from enum import StrEnum

from conversations.base.values import CaseStatus as S
from handlers.refusals import Refusal
from storage.models import Case


class Action(StrEnum):
    ROUTE = "route"
    TAKE = "take"
    INVESTIGATE = "investigate"
    PROPOSE = "propose"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    ACCEPT = "accept"
    REFUSE = "refuse"
    START = "start"
    RESOLVE = "resolve"
    REJECT_RESOLUTION = "reject_resolution"
    FOLLOW_UP = "follow_up"
    CLOSE = "close"
    REOPEN = "reopen"
    REASSIGN = "reassign"


OPEN_WORK = frozenset({S.ASSIGNED, S.ACKNOWLEDGED, S.INVESTIGATING})

TRANSITIONS: dict[Action, tuple[frozenset[S], S]] = {
    Action.ROUTE: (frozenset({S.RECEIVED}), S.ASSIGNED),
    Action.TAKE: (frozenset({S.ASSIGNED}), S.ACKNOWLEDGED),
    Action.INVESTIGATE: (frozenset({S.ACKNOWLEDGED, S.INVESTIGATING}), S.INVESTIGATING),
    Action.PROPOSE: (frozenset({S.INVESTIGATING}), S.SOLUTION_PROPOSED),
    Action.APPROVE: (frozenset({S.SOLUTION_PROPOSED}), S.APPROVED),
    Action.SEND_BACK: (frozenset({S.SOLUTION_PROPOSED}), S.INVESTIGATING),
    Action.ACCEPT: (frozenset({S.SOLUTION_PROPOSED, S.APPROVED}), S.AGREED_BY_CUSTOMER),
    Action.REFUSE: (frozenset({S.SOLUTION_PROPOSED, S.APPROVED}), S.INVESTIGATING),
    Action.START: (frozenset({S.AGREED_BY_CUSTOMER}), S.IMPLEMENTING),
    # From investigating only for invalid cases, inquiries and suggestions (guarded in
    # the use case): they are answered or explained, with no solution to agree.
    Action.RESOLVE: (
        frozenset({S.AGREED_BY_CUSTOMER, S.IMPLEMENTING, S.INVESTIGATING}),
        S.RESOLVED,
    ),
    Action.REJECT_RESOLUTION: (frozenset({S.RESOLVED}), S.IMPLEMENTING),
    Action.FOLLOW_UP: (frozenset({S.RESOLVED}), S.FOLLOW_UP),
    Action.CLOSE: (frozenset({S.FOLLOW_UP}), S.CLOSED),
    Action.REOPEN: (frozenset({S.FOLLOW_UP, S.CLOSED}), S.INVESTIGATING),
    Action.REASSIGN: (OPEN_WORK, S.ASSIGNED),
}


def check(case: Case, action: Action) -> S:
    """The status `action` leads to from the case's status, or a refusal naming why not."""
    allowed, target = TRANSITIONS[action]
    if case.status not in allowed:
        raise Refusal(
            "case.wrong_status",
            number=case.number,
            action=action.value,
            status=case.status.value,
        )
    return target


def advance(case: Case, action: Action) -> S:
    """Move the case along; returns the previous status for the timeline."""
    previous = case.status
    case.status = check(case, action)
    return previous
