"""A case's photos and files as staff read them in /case (issue 13): kind, name, size, who
sent it and when. Where the desk keeps the copy is an operator's detail (`cases show`)."""

from __future__ import annotations

from gettext import NullTranslations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common import local_time, staff_name
from handlers.desk import Desk
from storage.attachments import AttachmentRepository
from storage.models import Attachment


async def attachment_lines(
    session: AsyncSession, desk: Desk, t: NullTranslations, case_id: int, *, page: bool
) -> list[str]:
    """Nothing when the case has none; `page`: the Mini App shows them (a chat reply has
    no room for the pictures themselves)."""
    found = await AttachmentRepository(session).of_case(case_id)
    if not found:
        return []
    lines = [t.gettext("Attachments ({count}):").format(count=len(found))]
    for item in found:
        lines.append(
            t.gettext("{when} · {who} · {kind} · {name} · {size}").format(
                when=local_time(desk, item.created_at),
                who=await _sender(session, t, item),
                kind=kind_label(t, item.media_kind),
                name=item.file_name or "-",
                size=size_words(item.size_bytes),
            )
        )
    if page:
        lines.append(t.gettext("To see them, open the case page."))
    return lines


async def _sender(session: AsyncSession, t: NullTranslations, item: Attachment) -> str:
    if item.staff_id is None:
        return t.gettext("the customer")
    return await staff_name(session, item.staff_id) or "-"


def kind_label(t: NullTranslations, kind: str) -> str:
    g = t.gettext
    labels = {
        "photo": g("photo"),
        "document": g("file"),
        "voice": g("voice message"),
        "video": g("video"),
    }
    return labels.get(kind, kind)


def size_words(size: int | None) -> str:
    """Bytes as people read them; units are the same in every language we speak."""
    if size is None:
        return "-"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"
