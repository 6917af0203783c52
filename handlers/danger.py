"""Danger phrases in what customers write (POLICY §2, issue 14): at filing and in every
later message of an open case, each phrase proposes the danger grade and alerts once per
case; the customer's own words set the case's urgency."""

from __future__ import annotations

from functools import cache
from gettext import NullTranslations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import notices
from conversations.base import phrase_list
from conversations.base.phrases import Phrases
from conversations.base.policy import Grading
from conversations.base.values import CaseStatus, EventKind, Urgency
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.desk import Desk
from handlers.timeline import record
from notifications.notices import Notifier
from storage.cases import TimelineRepository
from storage.models import Case


@cache
def _urgent_words() -> Phrases:
    return Phrases(phrase_list.URGENT)


def urgency_of(text: str, grading: Grading) -> Urgency:
    """Urgent when the customer says so ('紧急', 'asap') or a danger phrase appears."""
    if _urgent_words().find(text) or grading.danger_phrases.find(text):
        return Urgency.URGENT
    return Urgency.NORMAL


def alert_text(desk: Desk, t: NullTranslations, case: Case, phrases: list[str]) -> str:
    """The managers' words: the proposal to confirm, or a note when the grade is there."""
    grading, language = desk.policy.grading, desk.policy.default_language
    if grading.rank(case.severity) < grading.rank(grading.danger_grade):
        proposed = grading.label(grading.danger_grade, language)
        return notices.danger_proposed(t, case.number, phrases, proposed, grading.danger_grade)
    return notices.danger_noted(t, case.number, phrases, grading.label(case.severity, language))


async def check_later(session: AsyncSession, desk: Desk, case: Case, text: str) -> list[str]:
    """Phrases in a later customer message not seen on this case before: recorded on the
    timeline (the next message with them stays quiet), proposed, told. Returns them."""
    found = desk.policy.grading.danger_phrases.find(text)
    if not found or case.status is CaseStatus.CLOSED:
        return []
    seen = await phrases_seen(session, case)
    new = [phrase for phrase in found if phrase not in seen]
    if not new:
        return []
    grading, now = desk.policy.grading, desk.clock.now()
    case.urgency = Urgency.URGENT
    below = grading.rank(case.severity) < grading.rank(grading.danger_grade)
    if below:
        case.proposed_severity = grading.danger_grade
    grade = grading.danger_grade if below else case.severity
    data = {"grade": grade, "words": new}
    record(session, case, Actor.system(), EventKind.GRADE_PROPOSED, now, visible=False, **data)
    notifier = Notifier(session, desk.policy, now)
    text = alert_text(desk, notifier.staff_language, case, new)
    await notifier.department(case, case.department, text)
    await notifier.managers(case, text)
    await post_card(session, desk, case)  # the card now says urgent
    return new


async def phrases_seen(session: AsyncSession, case: Case) -> set[str]:
    """The danger phrases already recorded on the case's timeline."""
    events = await TimelineRepository(session).of_case(case.id)
    proposals = (e for e in events if e.kind == EventKind.GRADE_PROPOSED.value)
    return {word for e in proposals for word in (e.data or {}).get("words", [])}
