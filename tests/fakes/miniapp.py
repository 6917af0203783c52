"""The Mini App's test parts: initData signed as Telegram signs it, staff with Telegram
accounts, a case with a photo, and files served from memory (issue 16)."""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from bot.config import MiniAppSettings
from bot.miniapp.readers import MiniApp
from conversations.base.values import Role
from storage.models import Attachment, Identity
from storage.uow import unit_of_work
from tests.fakes.world import World

BOT_TOKEN = "123456789:AAHtestTOKENforTHEminiAPPxxxxxxxxxx"
OTHER_BOT_TOKEN = "987654321:AAHanotherBOTSTOKENxxxxxxxxxxxxxxxx"


def _png(width: int, height: int) -> bytes:
    """A small real PNG (a warm gradient), so the page shows a picture in screenshots."""
    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (230, 120 + x, 60 + y))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PHOTO = _png(96, 96)  # served as-is: the bytes are the check


def init_data(
    user_id: int,
    signed_at: datetime,
    token: str = BOT_TOKEN,
    language: str = "en",
    start_param: str | None = None,
) -> str:
    """initData as Telegram builds it: fields sorted, HMAC keyed by HMAC("WebAppData", token)."""
    fields = {
        "auth_date": str(int(signed_at.timestamp())),
        "query_id": "AAE-test",
        "user": json.dumps({"id": user_id, "first_name": "T", "language_code": language}),
    }
    if start_param:
        fields["start_param"] = start_param
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


@dataclass
class MemoryFiles:
    files: dict[str, bytes] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)

    async def fetch(self, file_ref: str) -> tuple[bytes, str]:
        self.fetched.append(file_ref)
        return self.files[file_ref], "image/png"


STAFF, OTHER, MANAGER, CUSTOMER = 1001, 1002, 1003, 1004


@dataclass
class MiniDesk:
    """A filed case with a photo; its department's staff member, another department's,
    a manager and the customer, each with a Telegram account (the user ids above)."""

    world: World
    mini: MiniApp
    files: MemoryFiles
    number: str
    photo_id: int
    woken: list[str]


async def mini_desk(world: World, url: str | None = "https://desk.example.com") -> MiniDesk:
    files = MemoryFiles({"photo-file-id": PHOTO})
    woken: list[str] = []
    settings = MiniAppSettings(enabled=True, url=url, secret="test-secret")
    mini = MiniApp(world.db, world.desk, settings, BOT_TOKEN, lambda: woken.append("wake"), files)
    customer = await world.customer()
    case = await world.file(customer)
    staff = await world.staff("李雷", case.department)
    other = await world.staff(
        "韩梅梅", "logistics" if case.department != "logistics" else "finance"
    )
    manager = await world.staff("王经理", "management", Role.MANAGER)
    async with unit_of_work(world.db) as uow:
        for person, user_id, customer_id in (
            (staff, STAFF, None),
            (other, OTHER, None),
            (manager, MANAGER, None),
            (None, CUSTOMER, customer.id),
        ):
            uow.session.add(
                Identity(
                    channel="telegram",
                    external_id=str(user_id),
                    staff_id=person.id if person else None,
                    customer_id=customer_id,
                    created_at=world.clock.now(),
                )
            )
        photo = Attachment(
            case_id=case.id,
            channel="telegram",
            file_ref="photo-file-id",
            media_kind="photo",
            created_at=world.clock.now(),
        )
        uow.session.add(photo)
        await uow.session.flush()
        photo_id = photo.id
    return MiniDesk(world, mini, files, case.number, photo_id, woken)
