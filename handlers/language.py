"""A person chooses the language the desk speaks to them in (staff or customer)."""

from __future__ import annotations

from conversations import intents as i
from conversations import replies
from conversations.base.i18n import language_of, translation
from conversations.base.messages import Reply
from handlers.registry import Call, handles
from storage.people import PeopleRepository


@handles(i.SetLanguage)
async def on_set_language(call: Call, intent: i.SetLanguage) -> list[Reply]:
    """Answered in the language just chosen."""
    people, person = PeopleRepository(call.uow.session), call.person
    record = (
        await people.staff(person.actor.id or 0)
        if person.is_staff
        else await people.customer(person.actor.id or 0)
    )
    assert record is not None
    record.language = intent.language
    return [Reply(replies.language_set(translation(language_of(intent.language, person.language))))]
