"""Telling the person a case concerns: its handler in private, or the department's group
while nobody has it (issue 13: the staff side is told what concerns them)."""

from __future__ import annotations

from notifications.notices import Notifier
from storage.models import Case


async def tell_handler(notifier: Notifier, case: Case, text: str) -> None:
    if case.handler_id is None:
        await notifier.department(case, case.department, text)
    else:
        await notifier.staff(case, case.handler_id, text)
