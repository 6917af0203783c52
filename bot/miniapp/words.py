"""Every word the Mini App's pages show, as gettext messages (the templates read them
from here, so the catalogs' extraction and the translation test cover them)."""

from __future__ import annotations

from gettext import NullTranslations


def page_words(t: NullTranslations) -> dict[str, str]:
    g = t.gettext
    return {
        "loading": g("Loading…"),
        "signed_out": g(
            "Open this page from the bot in Telegram, or ask the bot for a sign-in link."
        ),
        "case": g("Case {number}"),
        "severity": g("Grade"),
        "status": g("Status"),
        "category": g("Category"),
        "department": g("Department"),
        "handler": g("Handler"),
        "customer": g("Customer"),
        "phone": g("Contact"),
        "order": g("Order"),
        "wanted": g("Wants"),
        "description": g("What happened"),
        "solution": g("Solution"),
        "timeline": g("Timeline"),
        "internal": g("internal"),
        "files": g("Photos and files"),
        "file": g("File {number}"),
        "deadlines": g("Deadlines"),
        "hours_left": g("{hours} h left"),
        "hours_late": g("{hours} h overdue"),
        "no_deadlines": g("No open deadline."),
        "actions": g("What you can do"),
        "take": g("Take"),
        "note": g("Add note"),
        "note_hint": g("Internal note (the customer never sees it)"),
        "propose": g("Propose solution"),
        "propose_hint": g("The solution to offer the customer"),
        "approve": g("Approve"),
        "send_back": g("Send back"),
        "send_back_hint": g("Why it goes back to the handler"),
        "resolve": g("Resolve"),
        "resolve_hint": g("What was done"),
        "reveal": g("Show contact (recorded)"),
        "done": g("Done. Case {number} is now: {status}."),
        "dashboard": g("Managers' dashboard"),
        "period": g("Period"),
        "show": g("Show"),
        "received": g("Received"),
        "open": g("Open"),
        "overdue": g("Overdue"),
        "closed": g("Closed"),
        "timeliness": g("On time"),
        "satisfaction": g("Satisfied"),
        "resolution": g("Resolved"),
        "repeat": g("Repeat"),
        "score": g("Mean score"),
        "by_department": g("By department"),
        "by_category": g("By category"),
        "by_handler": g("By handler"),
        "trend": g("Trend"),
        "overdue_list": g("Overdue cases"),
        "none_overdue": g("No case is overdue."),
        "step": g("Step"),
        "due": g("Due"),
        "waiting": g("Waiting for approval"),
        "none_waiting": g("No solution is waiting for approval."),
        "excel": g("Download the Excel report"),
        "signin_link": g("Send me a sign-in link for a computer"),
        "signin_sent": g("A sign-in link is on its way to your private chat with the bot."),
        "signin_text": g(
            "Your sign-in link for the desk, valid for {minutes} minutes, once: {link}"
        ),
    }
