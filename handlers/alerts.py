"""The department alert card: posted once, then edited in place as the case moves."""

from __future__ import annotations

from gettext import NullTranslations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import notices
from conversations.actions import CaseVerb, case_button
from conversations.base.messages import Option
from conversations.base.values import CaseStatus, Purpose
from conversations.notices import CaseSummary
from handlers.approval import needs_approval
from handlers.common import staff_name, summary
from handlers.desk import Desk
from handlers.lifecycle import OPEN_WORK
from notifications.notices import Notifier
from notifications.relays import card_topic
from storage.models import Case

CARD = Purpose.CARD


async def post_card(
    session: AsyncSession, desk: Desk, case: Case, shown: CaseSummary | None = None
) -> None:
    """Queue the card, headed by where the case stands, to the lead department and a
    marked copy to each supporting one (POLICY §3, Details only); the dispatcher edits the
    earlier card in each chat. `shown` is the case's summary when the caller has read it."""
    notifier = Notifier(session, desk.policy, desk.clock.now())
    language = notifier.staff_language
    handler = await staff_name(session, case.handler_id)
    about = shown or await summary(session, desk, case)
    approval = needs_approval(desk, case)
    # Filed by staff for the customer and not yet taken over by the department (seed 001).
    received = case.status is CaseStatus.ASSIGNED and case.received_by_id is not None
    received = received and case.received_by_id == case.handler_id
    text = notices.case_card(
        language, about, handler, case.status, approval=approval, received=received
    )
    choices = card_choices(language, case.status, case.number)
    topic = card_topic(desk.policy, case, case.department)  # a forum group: the case's topic
    await notifier.department(case, case.department, text, choices, purpose=CARD, extra=topic)
    for department in supporting_departments(desk, case):
        text = notices.case_card(
            language,
            about,
            handler,
            case.status,
            approval=approval,
            supporting=True,
            received=received,
        )
        details = card_choices(language, case.status, case.number, supporting=True)
        await notifier.department(case, department, text, details, purpose=CARD)


def supporting_departments(desk: Desk, case: Case) -> list[str]:
    """The category's supporting departments, as filing stored them in case_departments;
    read from the policy so posting a card costs no query (the filing's budget, issue 12)."""
    supporting = desk.policy.category(case.category).supporting
    return [department for department in supporting if department != case.department]


def card_choices(
    language: NullTranslations, status: CaseStatus, number: str, *, supporting: bool = False
) -> list[Option]:
    """The card's buttons for a case in `status`: Take while untaken, Details, Reassign
    while work is open (leads and managers only; others are refused). A supporting
    department's card has Details only: the lead department takes and reassigns."""
    choices = [Option(language.gettext("Details"), case_button(CaseVerb.DETAILS, number))]
    if supporting:
        return choices
    if status is CaseStatus.ASSIGNED:
        choices.insert(0, Option(language.gettext("Take"), case_button(CaseVerb.TAKE, number)))
    if status in OPEN_WORK:
        choices.append(Option(language.gettext("Reassign"), case_button(CaseVerb.REASSIGN, number)))
    return choices
