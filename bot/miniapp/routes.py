"""The Mini App's routes on the one aiohttp server (issue 16).

Pages are shells that the page's script fills: inside Telegram the initData lives in the
URL fragment, which the server never sees, so every API call carries it in a header. The
API answers HTML fragments rendered here, in the reader's language. Actions go through
the same use cases as the chat commands, inside the same boundary (`perform`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from functools import partial

from aiohttp import web

from bot.miniapp import actions
from bot.miniapp.auth import NotSignedIn, read_signin_token, session_cookie
from bot.miniapp.files import file_headers, stored_file
from bot.miniapp.readers import COOKIE, MiniApp, Reader, reader
from bot.miniapp.render import STATIC, render, secured
from conversations.base.i18n import translation
from conversations.wording import refusal
from handlers.boundary import perform
from handlers.miniapp_case import case_page
from handlers.miniapp_dashboard import dashboard
from handlers.miniapp_signin import redeem_link
from handlers.refusals import Refusal
from storage.attachments import AttachmentRepository
from storage.cases import CaseRepository
from storage.measures import Period
from storage.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)
CASE_NUMBER = re.compile(r"[A-Za-z0-9-]{1,40}")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def routes(mini: MiniApp) -> list[web.AbstractRouteDef]:
    def api(handler: Callable[[MiniApp, web.Request], Awaitable[web.StreamResponse]]) -> Handler:
        return partial(_guarded, handler, mini)

    return [
        web.get("/app/case/{number}", partial(_shell, mini, "case")),
        web.get("/app/dashboard", partial(_shell, mini, "dashboard")),
        web.get("/app/start", partial(_shell, mini, "start")),
        web.get("/app/signin/{token}", partial(_signin, mini)),
        web.get("/app/api/case/{number}", api(_case)),
        web.post("/app/api/case/{number}/reveal", api(_case)),
        web.post("/app/api/case/{number}/{action}", api(actions.act)),
        web.get("/app/api/file/{id:\\d+}", api(_file)),
        web.get("/app/api/dashboard", api(_dashboard)),
        web.get("/app/api/dashboard/chart.png", api(_chart)),
        web.get("/app/api/dashboard/report.xlsx", api(_report)),
        web.post("/app/api/signin-link", api(actions.send_signin_link)),
        web.static("/app/static", STATIC),
    ]


async def _guarded(
    handler: Callable[[MiniApp, web.Request], Awaitable[web.StreamResponse]],
    mini: MiniApp,
    request: web.Request,
) -> web.StreamResponse:
    """401 without proof, 403/404 for what the reader may not see, 409 for a refusal."""
    try:
        return secured(await handler(mini, request))
    except NotSignedIn as error:
        log.info("miniapp_refused reason=%s path=%s", error, request.path)
        raise web.HTTPUnauthorized(
            text="sign in first", headers={"Cache-Control": "no-store"}
        ) from None
    except Refusal as error:
        who = await _language_guess(mini, request)
        text = refusal(translation(who), error.key, error.params)
        status = 404 if error.key == "case.not_found" else 409
        status = 403 if error.key.startswith("access.") else status
        return secured(web.json_response({"message": text}, status=status))


async def _language_guess(mini: MiniApp, request: web.Request) -> object:
    try:
        return (await reader(mini, request)).language
    except (NotSignedIn, web.HTTPException):
        return mini.desk.policy.default_language


async def _shell(mini: MiniApp, view: str, request: web.Request) -> web.StreamResponse:
    number = request.match_info.get("number", "")
    language = mini.desk.policy.default_language
    return render("shell.html", language, view=view, number=number)


async def _case(mini: MiniApp, request: web.Request) -> web.StreamResponse:
    who = await reader(mini, request)
    number, reveal = request.match_info["number"], request.method == "POST"

    async def view(uow: UnitOfWork) -> object:
        return await case_page(
            uow.session, mini.desk, who.actor, who.language, number, reveal=reveal
        )

    page = await perform(mini.db, view)  # the view is recorded on the timeline
    return render("case.html", who.language, page=page, csrf=who.csrf)


async def _file(mini: MiniApp, request: web.Request) -> web.StreamResponse:
    """A case's file through our server, for those who may open its case (never a public
    path): the file store's copy, else the platform's (issue 13)."""
    who = await reader(mini, request)
    async with unit_of_work(mini.db, readonly=True) as uow:
        attachment = await AttachmentRepository(uow.session).get(int(request.match_info["id"]))
        case = await CaseRepository(uow.session).get(attachment.case_id) if attachment else None
    if attachment is None or case is None:
        raise Refusal("case.not_found")
    await _may_open(mini, who, case.number)
    found = await stored_file(mini, attachment)
    if found is None:
        raise Refusal("case.not_found")
    data, kind = found
    return web.Response(body=data, content_type=kind, headers=file_headers(kind, attachment))


async def _may_open(mini: MiniApp, who: Reader, number: str) -> None:
    from handlers.access import require_department
    from handlers.common import load_case

    async with unit_of_work(mini.db, readonly=True) as uow:
        case = await load_case(uow.session, number)
        supporting = await CaseRepository(uow.session).supporting(case.id)
    require_department(who.actor, case, supporting)


def period_of(mini: MiniApp, request: web.Request) -> tuple[Period, date, date]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (both days included); default: month to date."""
    zone = mini.desk.calendar.zone
    today = mini.desk.clock.now().astimezone(zone).date()
    try:
        first = date.fromisoformat(request.query.get("from", today.replace(day=1).isoformat()))
        last = date.fromisoformat(request.query.get("to", today.isoformat()))
    except ValueError:
        raise web.HTTPBadRequest(text="dates are YYYY-MM-DD") from None
    if last < first or (last - first).days > 366:
        raise web.HTTPBadRequest(text="the period runs forwards, a year at most")
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return Period(start, end), first, last


async def _dashboard(mini: MiniApp, request: web.Request) -> web.StreamResponse:
    who = await reader(mini, request)
    period, first, last = period_of(mini, request)
    async with unit_of_work(mini.db, readonly=True) as uow:
        board = await dashboard(uow.session, mini.desk, who.actor, who.language, period)
    return render(
        "dashboard.html", who.language, board=board, first=first, last=last, csrf=who.csrf
    )


async def _chart(mini: MiniApp, request: web.Request) -> web.StreamResponse:
    from notifications.digests import trend_chart

    who = await reader(mini, request)
    _period, first, last = period_of(mini, request)
    async with unit_of_work(mini.db, readonly=True) as uow:
        await dashboard_allowed(mini, who)
        png = await trend_chart(uow.session, mini.desk.policy, first, (last - first).days + 1)
    return web.Response(body=png, content_type="image/png")


async def _report(mini: MiniApp, request: web.Request) -> web.StreamResponse:
    who = await reader(mini, request)
    await dashboard_allowed(mini, who)
    period, first, last = period_of(mini, request)
    if mini.report is None:
        raise web.HTTPNotFound(text="reports are not wired")
    body = await mini.report(period)
    name = f"complaints-{first.isoformat()}-{last.isoformat()}.xlsx"
    return web.Response(
        body=body,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def dashboard_allowed(mini: MiniApp, who: Reader) -> None:
    from conversations.base.values import Role
    from handlers.access import require_role

    require_role(who.actor, Role.MANAGER)


async def _signin(mini: MiniApp, request: web.Request) -> web.StreamResponse:
    """Spend a one-time link and open a browser session (HttpOnly, SameSite=Strict)."""
    now = mini.desk.clock.now()
    language = mini.desk.policy.default_language
    try:
        claim = read_signin_token(mini.signer, request.match_info["token"], now)
        signed = await perform(
            mini.db, lambda uow: redeem_link(uow, mini.desk, claim.staff_id, claim.nonce)
        )
    except (NotSignedIn, Refusal) as error:
        log.info("miniapp_signin_refused reason=%s", error)
        return render("signed_out.html", language, status=403)
    expires = now + timedelta(hours=mini.settings.session_hours)
    target = request.query.get("case", "")
    response = web.HTTPSeeOther(
        f"/app/case/{target}" if CASE_NUMBER.fullmatch(target) else "/app/dashboard"
    )
    response.set_cookie(
        COOKIE,
        session_cookie(mini.signer, signed.staff_id, expires),
        max_age=mini.settings.session_hours * 3600,
        path="/app",
        httponly=True,
        secure=request.secure or bool(mini.settings.url),
        samesite="Strict",
    )
    raise response
