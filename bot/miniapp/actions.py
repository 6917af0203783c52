"""What the page's buttons do: the same use cases as the chat commands, inside the same
boundary (one transaction, retried on conflict; the same checks and refusals), then the
outbox is woken for the card edits and notices they queued (issue 16)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.miniapp.links import Links
from bot.miniapp.readers import MiniApp, reader
from bot.miniapp.words import page_words
from conversations.base.i18n import translation
from conversations.wording import staff_status_label
from handlers import investigate, resolution, solution
from handlers.actors import Actor
from handlers.boundary import perform
from handlers.desk import Desk
from handlers.miniapp_signin import link_text, send_link
from handlers.take import take
from storage.models import Case
from storage.uow import UnitOfWork

Act = Callable[[UnitOfWork, Desk, Actor, str, str], Awaitable[Case]]
ACTIONS: dict[str, Act] = {
    "take": lambda uow, desk, actor, number, _text: take(uow, desk, actor, number),
    "note": investigate.add_note,
    "propose": solution.propose,
    "approve": lambda uow, desk, actor, number, _text: solution.approve(uow, desk, actor, number),
    "send_back": solution.send_back,
    "resolve": resolution.resolve,
}


async def act(mini: MiniApp, request: web.Request) -> web.StreamResponse:
    """POST /app/api/case/{number}/{action} with `text` where the action needs words."""
    who = await reader(mini, request)
    use_case = ACTIONS.get(request.match_info["action"])
    if use_case is None:
        raise web.HTTPNotFound(text="no such action")
    form = await request.post()
    text = str(form.get("text", ""))
    number = request.match_info["number"]

    async def work(uow: UnitOfWork) -> Case:
        return await use_case(uow, mini.desk, who.actor, number, text)

    case = await perform(mini.db, work, mini.wake)
    t = translation(who.language)
    status = staff_status_label(t, case.status, approval=solution.needs_approval(mini.desk, case))
    done = page_words(t)["done"].format(number=case.number, status=status)
    return web.json_response({"message": done})


async def send_signin_link(mini: MiniApp, request: web.Request) -> web.StreamResponse:
    """The bot sends the reader a one-time link for a browser outside Telegram."""
    who = await reader(mini, request)
    if not mini.settings.url:
        raise web.HTTPNotFound(text="set [miniapp] url to send sign-in links")
    assert who.actor.id is not None
    links = Links(mini.settings.url, mini.signer, mini.settings.link_minutes, mini.desk.clock)
    link = links.signin_link(who.actor.id, request.query.get("case", ""))
    t = translation(who.language)
    text = link_text(t, links.minutes, link)
    await perform(mini.db, lambda uow: send_link(uow, mini.desk, who.actor, text), mini.wake)
    return web.json_response({"message": page_words(t)["signin_sent"]})
