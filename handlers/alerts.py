"""The department alert card: posted once, then edited in place as the case moves."""

from __future__ import annotations

from gettext import NullTranslations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import notices
from conversations.actions import CaseVerb, case_button
from conversations.base.messages import Option
from conversations.base.values import CaseStatus, Purpose
from conversations.notices import CaseSummary
from handlers.common import staff_name, summary
from handlers.desk import Desk
from handlers.lifecycle import OPEN_WORK
from notifications.notices import Notifier
from storage.models import Case

CARD = Purpose.CARD


async def post_card(
    session: AsyncSession, desk: Desk, case: Case, shown: CaseSummary | None = None
) -> None:
    """Queue the card; the dispatcher edits the earlier one when it has a reference.
    `shown` is the case's summary when the caller has read it already."""
    notifier = Notifier(session, desk.policy, desk.clock.now())
    language = notifier.staff_language
    handler = await staff_name(session, case.handler_id)
    text = notices.case_card(language, shown or await summary(session, desk, case), handler)
    choices = card_choices(language, case.status, case.number)
    await notifier.department(case, case.department, text, choices, purpose=CARD)


def card_choices(language: NullTranslations, status: CaseStatus, number: str) -> list[Option]:
    """The card's buttons for a case in `status`: Take while untaken, Details, Reassign
    while work is open (leads and managers only; others are refused)."""
    choices = [Option(language.gettext("Details"), case_button(CaseVerb.DETAILS, number))]
    if status is CaseStatus.ASSIGNED:
        choices.insert(0, Option(language.gettext("Take"), case_button(CaseVerb.TAKE, number)))
    if status in OPEN_WORK:
        choices.append(Option(language.gettext("Reassign"), case_button(CaseVerb.REASSIGN, number)))
    return choices
