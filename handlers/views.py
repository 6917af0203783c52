"""What people see when they ask: their cases, one case, a search. Staff views of a
case are recorded."""

from __future__ import annotations

from gettext import NullTranslations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import intents as i
from conversations.actions import CaseVerb, case_button
from conversations.base.i18n import translation
from conversations.base.messages import Option, Reply
from conversations.base.privacy import mask_phone, redact, without
from conversations.base.values import CaseStatus, EventKind
from conversations.filing import wanted_labels
from conversations.wording import staff_status_label, status_label
from handlers.access import require_customer_of, require_department, require_staff
from handlers.case_files import attachment_lines
from handlers.common import customer_shown, due_words, load_case, local_time, withheld
from handlers.desk import Desk
from handlers.identify import Person
from handlers.mine import staff_cases
from handlers.miniapp_signin import case_page_option
from handlers.registry import Call, handles
from handlers.solution import needs_approval
from handlers.timeline import record
from storage.cases import CaseRepository, TimelineRepository
from storage.deadlines import DeadlineRepository
from storage.models import Case
from storage.people import PeopleRepository

LIST_LIMIT = 10


async def customer_cases(session: AsyncSession, desk: Desk, person: Person) -> Reply:
    t = translation(person.language)
    assert person.actor.id is not None
    found = list(await CaseRepository(session).for_customer(person.actor.id))[:LIST_LIMIT]
    if not found:
        return Reply(t.gettext("You have no cases yet. Tell us what happened to start one."))
    lines = [t.gettext("Your cases:")]
    for case in found:
        lines.append(
            t.gettext("{number}: {status}").format(
                number=case.number, status=status_label(t, case.status)
            )
        )
    options = tuple(Option(case.number, case_button(CaseVerb.CASE, case.number)) for case in found)
    return Reply("\n".join(lines), options)


async def customer_case(session: AsyncSession, desk: Desk, person: Person, number: str) -> Reply:
    case = await load_case(session, number)
    require_customer_of(person.actor, case)
    t = translation(person.language)
    lines = [
        t.gettext("Case {number}: {status}").format(
            number=case.number, status=status_label(t, case.status)
        )
    ]
    due = await DeadlineRepository(session).next_due(case.id)
    if case.status is not CaseStatus.CLOSED and due is not None:
        expected = due_words(desk, person.language, due.due_at)
        lines.append(t.gettext("Next step expected {due}.").format(due=expected))
    for event in await TimelineRepository(session).of_case(case.id, customer_view=True):
        lines.append(f"{local_time(desk, event.at)} {_event_label(t, event.kind)}")
    return Reply("\n".join(lines), tuple(_customer_options(t, desk, case)))


def _event_label(t: NullTranslations, kind: str) -> str:
    g = t.gettext
    labels: dict[str, str] = {
        EventKind.FILED: g("You filed the case"),
        EventKind.TAKEN: g("A specialist took it on"),
        EventKind.ASKED_CUSTOMER: g("We asked you for more information"),
        EventKind.CUSTOMER_ADDED: g("You added information"),
        EventKind.SOLUTION_OFFERED: g("We proposed a solution"),
        EventKind.SOLUTION_ACCEPTED: g("You accepted the solution"),
        EventKind.SOLUTION_REFUSED: g("You asked for a different solution"),
        EventKind.IMPLEMENTING: g("The solution is being carried out"),
        EventKind.RESOLVED: g("Resolved"),
        EventKind.SURVEY_SENT: g("We asked for your feedback"),
        EventKind.SURVEY_ANSWERED: g("You gave feedback"),
        EventKind.CLOSED: g("Closed"),
        EventKind.REOPENED: g("Reopened for another look"),
        EventKind.STAFF_REPLIED: g("We sent you a message"),
    }
    return labels.get(kind, kind)


def _customer_options(t: NullTranslations, desk: Desk, case: Case) -> list[Option]:
    options = []
    offered = case.status is CaseStatus.APPROVED or (
        case.status is CaseStatus.SOLUTION_PROPOSED and not needs_approval(desk, case)
    )
    if offered:
        options += [
            Option(t.gettext("Accept"), case_button(CaseVerb.ACCEPT, case.number)),
            Option(t.gettext("Refuse"), case_button(CaseVerb.REFUSE, case.number)),
        ]
    if case.status is not CaseStatus.CLOSED:
        options.append(Option(t.gettext("Add information"), case_button(CaseVerb.ADD, case.number)))
    return options


async def found_cases(session: AsyncSession, desk: Desk, person: Person, text: str) -> Reply:
    """Staff look a case up; they find only cases they may open, contacts masked."""
    require_staff(person.actor)
    t = translation(person.language)
    manager = person.actor.is_manager
    found = await CaseRepository(session).search(
        text, None if manager else person.actor.department or "", identities=manager
    )
    if not found:
        return Reply(t.gettext("No case you can open matches “{text}”.").format(text=text))
    people = PeopleRepository(session)
    lines = [t.gettext("Cases matching “{text}”, newest first:").format(text=text)]
    for case in found:
        customer = await people.customer(case.customer_id)
        hidden = case.confidential and not manager
        lines.append(
            t.gettext("{number} · {severity} · {status} · {category} · {phone}").format(
                number=case.number,
                severity=desk.policy.grading.label(case.severity, person.language),
                status=staff_status_label(t, case.status, approval=needs_approval(desk, case)),
                category=desk.policy.category(case.category).names.get(
                    person.language, case.category
                ),
                phone="-"
                if hidden or customer is None
                else mask_phone(customer.phone, desk.policy.privacy.phone_regions) or "-",
            )
        )
    return Reply(
        "\n".join(lines),
        tuple(Option(c.number, case_button(CaseVerb.DETAILS, c.number)) for c in found),
    )


async def staff_case(
    session: AsyncSession, desk: Desk, person: Person, number: str, *, page: bool = False
) -> Reply:
    """Full details for those allowed; the access itself goes on the timeline (POLICY §8).
    Its photos and files are listed; `page`: the Mini App's case page shows them."""
    case = await load_case(session, number)
    require_department(person.actor, case, await CaseRepository(session).supporting(case.id))
    record(session, case, person.actor, EventKind.VIEWED, desk.clock.now(), visible=False)
    customer = await PeopleRepository(session).customer(case.customer_id)
    t = translation(person.language)
    hidden = case.confidential and not person.actor.is_manager
    if case.confidential and not hidden:
        record(
            session,
            case,
            person.actor,
            EventKind.IDENTITY_REVEALED,
            desk.clock.now(),
            visible=False,
        )
    secret = t.gettext("(confidential)")
    name, phone = (customer.name, customer.phone) if customer else (None, None)
    unnamed = without(case.description, withheld(case, name))  # anonymous (issue 19)
    regions = desk.policy.privacy.phone_regions
    text = t.gettext(
        "Case {number} · {severity} · {status}\nCategory: {category}\nCustomer: {name}, "
        "{phone}\nOrder: {order}\nWants: {wanted}\n{description}"
    ).format(
        number=case.number,
        severity=desk.policy.grading.label(case.severity, person.language),
        status=staff_status_label(t, case.status, approval=needs_approval(desk, case)),
        category=desk.policy.category(case.category).names.get(person.language, case.category),
        name=secret if hidden else customer_shown(t, case, name),
        phone=secret if hidden else phone or "-",
        order=case.order_ref or "-",
        wanted=wanted_labels(t)[case.wanted] if case.wanted else "-",
        description=redact(unnamed, (name, phone), regions) if hidden else unnamed,
    )
    if customer is not None and customer.unreachable_since is not None:
        text += "\n" + t.gettext(
            "The customer cannot be messaged on {channel} since {when}."
        ).format(channel=case.channel, when=local_time(desk, customer.unreachable_since))
    files = await attachment_lines(session, desk, t, case.id, page=page)
    return Reply("\n".join([text, *files]))


@handles(i.ShowCases)
async def on_show_cases(call: Call, intent: i.ShowCases) -> list[Reply]:
    """The customer's own cases, or a staff member's open work."""
    view = staff_cases if call.person.is_staff else customer_cases
    return [await view(call.uow.session, call.desk, call.person)]


@handles(i.ShowCase)
async def on_show_case(call: Call, intent: i.ShowCase) -> list[Reply]:
    session, desk, person = call.uow.session, call.desk, call.person
    page = case_page_option(call, intent.number)
    if person.is_staff:
        reply = await staff_case(session, desk, person, intent.number, page=bool(page))
    else:
        reply = await customer_case(session, desk, person, intent.number)
    return [Reply(reply.text, reply.options + page)]


@handles(i.FindCases)
async def on_find(call: Call, intent: i.FindCases) -> list[Reply]:
    return [await found_cases(call.uow.session, call.desk, call.person, intent.text)]
