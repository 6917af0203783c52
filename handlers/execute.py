"""Carry out what a dialogue decided: one intent, one use case, and the answer to give."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import intents as i
from conversations.base.i18n import language_of, translation
from conversations.base.messages import Media, Reply
from conversations.base.values import ActorKind
from conversations.wording import status_label
from handlers import (
    capa,
    customer,
    followup,
    investigate,
    manage,
    resolution,
    reviews,
    solution,
    staffing,
    typical,
)
from handlers.access import require_staff
from handlers.common import due_words
from handlers.desk import Desk
from handlers.file import NewCase, file_case
from handlers.identify import Person
from handlers.refusals import Refusal
from handlers.take import take
from handlers.views import customer_case, customer_cases, found_cases, staff_case, staff_cases
from storage.deadlines import DeadlineRepository
from storage.models import Attachment, Case
from storage.people import PeopleRepository
from storage.uow import UnitOfWork

StaffUseCase = Callable[..., Awaitable[Case]]
STAFF_ACTIONS: dict[str, StaffUseCase] = {
    "take": take,
    "note": investigate.add_note,
    "ask": investigate.ask_customer,
    "propose": solution.propose,
    "approve": solution.approve,
    "sendback": solution.send_back,
    "implement": resolution.start_work,
    "resolve": resolution.resolve,
    "review": resolution.review,
    "reject": resolution.reject_resolution,
    "close": followup.close_unanswered,
    "reassign": manage.reassign,
    "typical": typical.mark_typical,
    "capa": capa.record_action,
    "verify": capa.verify_action,
    "outcome": reviews.record_outcome,
    "regrade": manage.regrade,
}


async def execute(
    uow: UnitOfWork, desk: Desk, person: Person, channel: str, intent: i.Intent
) -> list[Reply]:
    session, actor, t = uow.session, person.actor, translation(person.language)
    match intent:
        case i.FileCase():
            await file_new(uow, desk, person, channel, intent)
            return []  # the receipt with the case number is queued by the use case
        case i.ShowCases():
            view = staff_cases if person.is_staff else customer_cases
            return [await view(session, desk, person)]
        case i.FindCases(text=text):
            return [await found_cases(session, desk, person, text)]
        case i.ShowCase(number=number):
            one = staff_case if person.is_staff else customer_case
            return [await one(session, desk, person, number)]
        case i.AddInfo(number=number, text=text, media=media):
            words = text or t.gettext("(sent {count} photo(s) or file(s))").format(count=len(media))
            case = await customer.add_info(uow, desk, actor, number, words)
            attach(session, case, channel, media, desk)
            return [
                Reply(
                    t.gettext(
                        "Thank you. We added it to case {number} and told the person handling it."
                    ).format(number=case.number)
                )
            ]
        case i.Accept(number=number):
            case = await customer.accept(uow, desk, actor, number)
            due = await DeadlineRepository(session).next_due(case.id)
            return [
                Reply(
                    t.gettext("Thank you. We will carry it out by {due}.").format(
                        due=due_words(desk, person.language, due.due_at) if due else "-"
                    )
                )
            ]
        case i.Refuse(number=number, reason=reason):
            await customer.refuse(uow, desk, actor, number, reason)
            return [
                Reply(
                    t.gettext(
                        "Thank you for telling us. The person handling your case "
                        "will come back with a new proposal."
                    )
                )
            ]
        case i.AnswerSurvey(number=number, solved=solved, score=score, comment=comment):
            answer = followup.SurveyAnswer(solved, score, comment)
            case = await followup.answer_survey(uow, desk, actor, number, answer)
            return (
                []
                if case.closed_at
                else [
                    Reply(
                        t.gettext(
                            "We are sorry the problem is not solved yet. We have reopened "
                            "case {number} and will contact you soon."
                        ).format(number=case.number)
                    )
                ]
            )
        case i.SetLanguage(language=code):
            return [await set_language(session, person, code)]
        case i.Register(code=code):
            return [await staffing.redeem(uow, desk, person, channel, code)]
        case i.Findings(number=number, validity=validity, summary=summary):
            case = await investigate.record_findings(
                uow, desk, actor, number, investigate.Findings(summary, validity)
            )
            return [done(person, case)]
        case i.LogReview():
            require_staff(actor)
            case = await reviews.log_review(
                uow,
                desk,
                actor,
                reviews.BadReview(
                    platform=intent.platform,
                    reviewer=intent.reviewer,
                    text=intent.text,
                    rating=intent.rating,
                    link=intent.link,
                    category=intent.category,
                ),
            )
            return [Reply(t.gettext("Logged as case {number}.").format(number=case.number))]
        case i.StaffAction(number=number, action=action, args=args):
            require_staff(actor)
            case = await STAFF_ACTIONS[action](uow, desk, actor, number, *args)
            return [done(person, case)]
    raise Refusal("staff.unknown_command")


def done(person: Person, case: Case) -> Reply:
    t = translation(person.language)
    return Reply(
        t.gettext("Done. Case {number} is now: {status}.").format(
            number=case.number, status=status_label(t, case.status)
        )
    )


async def file_new(
    uow: UnitOfWork, desk: Desk, person: Person, channel: str, intent: i.FileCase
) -> Case:
    if person.actor.kind is not ActorKind.CUSTOMER or person.actor.id is None:
        raise Refusal("access.role", needed="customer")
    owner = await PeopleRepository(uow.session).customer(person.actor.id)
    assert owner is not None
    owner.name = intent.name or owner.name
    owner.phone = intent.phone or owner.phone
    new = NewCase(
        kind=intent.kind,
        category=intent.category,
        description=intent.description,
        channel=channel,
        wanted=intent.wanted,
        order_ref=intent.order_ref,
        occurred_on=intent.occurred_on,
        source=intent.source,
        complainant_type=intent.complainant_type,
        confidential=intent.confidential,
    )
    case = await file_case(uow, desk, person.actor.id, new)
    attach(uow.session, case, channel, intent.media, desk)
    return case


def attach(
    session: AsyncSession, case: Case, channel: str, media: Sequence[Media], desk: Desk
) -> None:
    for item in media:
        session.add(
            Attachment(
                case_id=case.id,
                channel=channel,
                file_ref=item.ref[:500],
                media_kind=item.kind[:32],
                created_at=desk.clock.now(),
            )
        )


async def set_language(session: AsyncSession, person: Person, code: str) -> Reply:
    people = PeopleRepository(session)
    record = (
        await people.staff(person.actor.id or 0)
        if person.is_staff
        else await people.customer(person.actor.id or 0)
    )
    assert record is not None
    record.language = code
    t = translation(language_of(code, person.language))
    return Reply(t.gettext("Done. I will speak English with you from now on."))
