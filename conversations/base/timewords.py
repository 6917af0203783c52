"""Deadlines said the way people say them: 'today at 14:00', 'tomorrow at 09:30',
'Thursday, November 26 at 10:00', in the reader's language and the business time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from gettext import NullTranslations
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time

from conversations.base.policy import Language

LOCALES = {Language.ZH_HANS: "zh_Hans_CN", Language.ZH_HANT: "zh_Hant_TW", Language.EN: "en"}


def when(
    t: NullTranslations, language: Language, instant: datetime, now: datetime, zone: ZoneInfo
) -> str:
    local, today = instant.astimezone(zone), now.astimezone(zone).date()
    locale = LOCALES[language]
    clock = format_time(local, "HH:mm", locale=locale)
    if local.date() == today:
        return t.gettext("today at {time}").format(time=clock)
    if local.date() == today + timedelta(days=1):
        return t.gettext("tomorrow at {time}").format(time=clock)
    day = format_skeleton("MMMMEEEEd", local, locale=locale)
    return t.gettext("{date} at {time}").format(date=day, time=clock)


def local_date(now: datetime, zone: ZoneInfo) -> date:
    """The business's date at `now`: at 06:30 in Shanghai it is already today there while
    UTC still says yesterday (issue 14), so '昨天' means the day before this one."""
    return now.astimezone(zone).date()
