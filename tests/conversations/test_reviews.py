"""Bad reviews as cases: logged from a staff dialogue and imported from CSV, through to
closed with a follow-up result; per-platform measures (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.config import Config
from bot.reviews_import import UnreadableCsv, import_reviews
from conversations.base.values import CaseKind, CaseStatus
from handlers.dispatch import Inbox
from notifications.dispatcher import Dispatcher
from notifications.watcher import Watcher
from storage.models import Case, CaseEvent, Review
from storage.reviews import per_platform
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.chat import Chat, actions
from tests.fakes.world import World, enrol

CSV = "\n".join(
    [
        "platform,reviewer,rating,text,link,reviewed_at,category,order_ref",
        "dianping,小王,1,服务员态度恶劣，等了一个小时,https://dp.example/r/1,2026-11-20 19:30,"
        "service_attitude,",
        "meituan,吃货A,2,外卖洒了,https://mt.example/r/9,2026-11-21,delivery,MT-8812",
        "dianping,,1,没有评论人,https://dp.example/r/2,,,",
        "taobao,买家B,9,评分超出范围,https://tb.example/r/3,,,",
        "nowhere,买家C,1,平台不存在,https://x.example/r/4,,,",
        "jd,买家D,1,日期不对,https://jd.example/r/5,2026-13-45,,",
        "dianping,小王,1,服务员态度恶劣，等了一个小时,https://dp.example/r/1,2026-11-20 19:30,"
        "service_attitude,",
        "dianping,小王,2,又去了一次还是很差,https://dp.example/r/6,2026-11-22,service_attitude,",
        "",
    ]
)


async def cases(world: World) -> list[Case]:
    async def query(uow: UnitOfWork) -> list[Case]:
        return list(await uow.session.scalars(select(Case).order_by(Case.id)))

    return await world.read(query)


def app_for(world: World) -> App:
    outbox = Dispatcher(world.db, {}, world.clock)
    return App(
        Config(policy=world.desk.policy),
        world.db,
        world.desk,
        outbox,
        Watcher(world.db, world.clock, lambda uow, d: None),  # type: ignore[arg-type]
        Inbox(world.db, world.desk, outbox.wake),
    )


async def test_a_review_logged_in_chat_goes_through_to_closed(world: World) -> None:
    service = Chat(world, await enrol(world, "韩梅梅", "service", "lead"))
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=service.sender)
    asked = await service.send("/badreview")
    assert "platform:dianping" in actions(asked)
    await service.press("platform:dianping")
    await service.press("category:product_quality")
    logged = await service.send("小李子\n1\nhttps://dp.example/r/77\n蛋糕里有头发，恶心！")
    (case,) = await cases(world)
    assert case.number in logged[0].text
    assert (case.kind, case.source, case.department) == (CaseKind.REVIEW, "dianping", "product")
    await service.send("/badreview")
    await service.press("platform:dianping")
    await service.press("category:product_quality")
    duplicate = await service.send("小李子\n1\nhttps://dp.example/r/77\n蛋糕里有头发，恶心！")
    assert case.number in duplicate[0].text and len(await cases(world)) == 1

    await handler.press(f"take:{case.number}")
    await handler.send(f"/valid {case.number} 裱花间卫生问题 | 来料不良")
    await handler.send(f"/resolve {case.number} 已整改裱花间并联系顾客致歉")
    await service.send(f"/review {case.number}")
    assert (await cases(world))[0].status is CaseStatus.FOLLOW_UP  # no survey for a review
    closed = await service.send(f"/outcome {case.number} updated 顾客已修改为四星")
    assert "已完成" in closed[0].text
    final = (await cases(world))[0]
    assert (final.status, final.solved) == (CaseStatus.CLOSED, True)

    async def kinds(uow: UnitOfWork) -> list[str]:
        return list(await uow.session.scalars(select(CaseEvent.kind).order_by(CaseEvent.id)))

    assert (await world.read(kinds))[-3:] == [
        "survey_sent",
        "follow_up_started",
        "review_outcome",
    ] or "review_outcome" in await world.read(kinds)


async def test_csv_import_keeps_good_rows_reports_bad_ones_and_never_duplicates(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text(CSV, encoding="utf-8")
    app = app_for(world)
    first = await import_reviews(app, path)
    assert len(first.imported) == 3
    assert [line for line, _ in first.bad] == [4, 5, 6, 7]
    assert "reviewer" in first.bad[0][1] and "rating" in first.bad[1][1]
    assert "review.platform" in first.bad[2][1] and "reviewed_at" in first.bad[3][1]
    assert [line for line, _ in first.duplicates] == [8]
    again = await import_reviews(app, path)
    assert again.imported == [] and len(again.duplicates) == 4
    stored = await cases(world)
    assert len(stored) == 3 and all(c.kind is CaseKind.REVIEW for c in stored)

    async def reviews(uow: UnitOfWork) -> list[Review]:
        return list(await uow.session.scalars(select(Review).order_by(Review.case_id)))

    first_review = (await world.read(reviews))[0]
    assert (first_review.platform, first_review.rating, first_review.reviewer) == (
        "dianping",
        1,
        "小王",
    )

    async def measures(uow: UnitOfWork) -> dict[str, tuple[int, float | None]]:
        start = datetime(2026, 11, 1, tzinfo=UTC)
        rows = await per_platform(uow.session, start, datetime(2026, 12, 1, tzinfo=UTC))
        return {r.platform: (r.received, r.repeat_rate) for r in rows}

    # 小王 reviewed twice on Dianping: the second counts as a repeat review.
    assert await world.read(measures) == {"dianping": (2, 0.5), "meituan": (1, 0.0)}


async def test_import_with_missing_columns_says_which(world: World, tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("platform,text\ndianping,hello\n", encoding="utf-8")
    result = await import_reviews(app_for(world), path)
    assert result.bad == [(1, "missing columns: reviewer, rating")]
    async with unit_of_work(world.db, readonly=True) as uow:
        assert (await uow.session.scalars(select(Case))).all() == []


async def test_a_gbk_csv_from_chinese_excel_imports_and_says_its_encoding(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(CSV.replace("\n", "\r\n").encode("gbk"))
    result = await import_reviews(app_for(world), path)
    assert (result.encoding, len(result.imported)) == ("gb18030", 3)
    stored = await cases(world)
    assert "服务员态度恶劣" in stored[0].description


async def test_utf8_with_and_without_bom_are_told_apart(world: World, tmp_path: Path) -> None:
    plain, marked = tmp_path / "plain.csv", tmp_path / "bom.csv"
    plain.write_text(CSV, encoding="utf-8")
    marked.write_text(CSV, encoding="utf-8-sig")
    app = app_for(world)
    assert (await import_reviews(app, plain)).encoding == "utf-8"
    second = await import_reviews(app, marked)
    assert second.encoding == "utf-8 (BOM)" and len(second.duplicates) == 4  # header read whole


async def test_a_file_in_no_known_encoding_is_refused_with_advice(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"platform,reviewer,rating,text\n\xff\xfe\x80\x80,1,2\n")
    with pytest.raises(UnreadableCsv, match="CSV UTF-8"):
        await import_reviews(app_for(world), path)
