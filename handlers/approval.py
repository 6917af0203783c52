"""Whether a case's solution waits for a manager before the customer sees it (POLICY §4);
apart from handlers/solution.py so the card (handlers/alerts.py) can ask without a cycle."""

from __future__ import annotations

from handlers.desk import Desk
from storage.models import Case


def needs_approval(desk: Desk, case: Case) -> bool:
    grading = desk.policy.grading
    return grading.rank(case.severity) >= grading.rank(grading.approval_from)


def approval_grades(desk: Desk) -> list[str]:
    """The grades whose solutions a manager approves."""
    grading = desk.policy.grading
    return [
        grade
        for grade in grading.grades
        if grading.rank(grade) >= grading.rank(grading.approval_from)
    ]
