"""Time-driven chores of the dialogues: one survey reminder, polite conversation expiry.

Each sweep narrows with a query, re-checks every item under its row lock, and records
what it did (`reminded_at`, the reset conversation), so running it twice is harmless.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from conversations import notices
from conversations.base.i18n import language_of, translation
from conversations.base.messages import Reply
from conversations.base.policy import Language
from conversations.base.values import EventKind
from conversations.state import Flow
from handlers.actors import Actor
from handlers.desk import Desk
from handlers.rows import Row, contained
from handlers.timeline import record
from notifications.notices import Notifier, queue_reply
from storage.cases import CaseRepository, SurveyRepository
from storage.conversations import ConversationRepository
from storage.models import Conversation, Survey
from storage.people import PeopleRepository
from storage.uow import UnitOfWork


async def remind_surveys(uow: UnitOfWork, desk: Desk) -> int:
    """Remind each customer once when their survey is still unanswered. A reminder that
    fails is spent all the same (`reminded_at`), so it never comes back (issue 11)."""
    now, reminded = desk.clock.now(), 0
    surveys = await SurveyRepository(uow.session).to_remind(now)
    numbers = await CaseRepository(uow.session).numbers([survey.case_id for survey in surveys])
    for survey in surveys:
        row = Row("remind_surveys", f"survey:{survey.id}", f"case={numbers.get(survey.case_id)}")
        reminded += await contained(
            uow,
            desk.reported,
            row,
            partial(_remind, uow, desk, survey, now),
            partial(_spend_reminder, uow, survey, now),
        )
    return reminded


async def _remind(uow: UnitOfWork, desk: Desk, survey: Survey, now: datetime) -> bool:
    case = await CaseRepository(uow.session).get(survey.case_id)
    assert case is not None
    survey.reminded_at = now
    record(uow.session, case, Actor.system(), EventKind.SURVEY_REMINDED, now, visible=False)
    notifier = Notifier(uow.session, desk.policy, now)
    t = await notifier.customer_language(case)
    await notifier.customer(
        case,
        notices.survey_reminder(t, case.number),
        notices.solved_options(t, case.number),
        template="resolved",
    )
    return True


async def _spend_reminder(uow: UnitOfWork, survey: Survey, now: datetime) -> None:
    await uow.session.refresh(survey)  # the savepoint's rollback may have expired it
    survey.reminded_at = now


async def expire_conversations(uow: UnitOfWork, desk: Desk) -> int:
    """Tell people whose half-finished conversation expired; reset it to idle. A row whose
    notice fails is reset without one, so it never comes back (issue 11)."""
    now, expired = desk.clock.now(), 0
    for conversation in await ConversationRepository(uow.session).expired(now):
        row = Row("expire_conversations", str(conversation.id), f"conversation={conversation.id}")
        expired += await contained(
            uow,
            desk.reported,
            row,
            partial(_expire, uow, desk, conversation, now),
            partial(_reset_quietly, uow, conversation, now),
        )
    return expired


async def _expire(uow: UnitOfWork, desk: Desk, row: Conversation, now: datetime) -> bool:
    told = row.flow != Flow.IDLE
    if told:
        t = translation(await _language(uow, desk, row.channel, row.chat_id))
        await queue_reply(
            uow.session, row.channel, row.chat_id, Reply(notices.conversation_expired(t)), now
        )
    row.flow, row.step, row.expires_at, row.updated_at = Flow.IDLE, "", None, now
    row.data = {k: v for k, v in row.data.items() if k == "source"}
    return told


async def _reset_quietly(uow: UnitOfWork, row: Conversation, now: datetime) -> None:
    """Idle, with nothing of the failed row's answers kept (they may be what failed)."""
    await uow.session.refresh(row)  # the savepoint's rollback may have expired it
    row.flow, row.step, row.expires_at, row.updated_at, row.data = Flow.IDLE, "", None, now, {}


async def _language(uow: UnitOfWork, desk: Desk, channel: str, chat_id: str) -> Language:
    people = PeopleRepository(uow.session)
    identity = await people.identity(channel, chat_id)
    code = None
    if identity is not None and identity.customer_id is not None:
        customer = await people.customer(identity.customer_id)
        code = customer.language if customer else None
    elif identity is not None and identity.staff_id is not None:
        staff = await people.staff(identity.staff_id)
        code = staff.language if staff else None
    return language_of(code, desk.policy.default_language)
