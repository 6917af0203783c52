"""The WeChat / WeCom API client against a fake server on 127.0.0.1: every fault on the way
is a transient SendFailed with a clear reason; only WeChat's own verdicts are permanent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.wechat.api import PlatformAPI, official_account_api
from conversations.base.values import OutboxStatus
from notifications.senders import SendFailed
from storage.models import OutboxMessage
from storage.uow import UnitOfWork
from tests.bot.wechat_harness import running
from tests.fakes.wechat_api import Answer, FakeWeChatAPI
from tests.fakes.world import World

SEND = "/cgi-bin/message/custom/send"
MESSAGE = {"touser": "o-1", "msgtype": "text", "text": {"content": "hi"}}


@pytest.fixture
async def fake() -> AsyncIterator[FakeWeChatAPI]:
    server = FakeWeChatAPI()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(fake: FakeWeChatAPI, world: World) -> AsyncIterator[PlatformAPI]:
    api = official_account_api(fake.url, "wx-app", "secret", world.db, world.clock, timeout=0.2)
    await api.tokens.get()  # type: ignore[union-attr]  # the token is there: calls go straight
    yield api
    await api.close()


async def _failure(api: PlatformAPI) -> SendFailed:
    with pytest.raises(SendFailed) as caught:
        await api.post(SEND, MESSAGE)
    return caught.value


TRANSIENT = {
    "no answer in time": (Answer(hang=True), "no answer from /cgi-bin/message/custom/send within"),
    "HTTP 502": (Answer(status=502, text="Bad Gateway"), "HTTP 502 from /cgi-bin/message/custom"),
    "HTTP 503 empty": (Answer(status=503), "HTTP 503"),
    "an HTML page": (Answer(text="<html>维护中</html>"), "is not a JSON object: '<html>维护中"),
    "a 404 page": (Answer(status=404, text="Not Found"), "HTTP 404 from /cgi-bin/message"),
    "truncated JSON": (Answer(text='{"errcode": 0, "errm'), "is not a JSON object"),
    "a JSON list": (Answer(json=[1, 2]), "is not a JSON object: '[1, 2]'"),
    "system busy": (Answer(json={"errcode": -1, "errmsg": "system error"}), "-1 system error"),
}


@pytest.mark.parametrize("fault", list(TRANSIENT))
async def test_faults_on_the_way_are_transient_failures_with_the_reason(
    fake: FakeWeChatAPI, client: PlatformAPI, fault: str
) -> None:
    answer, reason = TRANSIENT[fault]
    fake.script.append(answer)
    failure = await _failure(client)
    assert (failure.permanent, failure.unreachable) == (False, False)
    assert reason in failure.reason


async def test_a_refused_connection_is_a_transient_failure(world: World) -> None:
    gone = FakeWeChatAPI()
    await gone.start()
    await gone.stop()  # nothing listens on its port now
    api = official_account_api(gone.url, "wx-app", "secret", world.db, world.clock)
    try:
        failure = await _failure(api)
    finally:
        await api.close()
    assert not failure.permanent and "calling /cgi-bin/token" in failure.reason


@pytest.mark.parametrize(
    "answer",
    [Answer(text="<html>"), Answer(json={"expires_in": 7200}), Answer(status=500)],
    ids=["not JSON", "no token", "HTTP 500"],
)
async def test_a_broken_token_answer_is_a_transient_failure(
    fake: FakeWeChatAPI, world: World, answer: Answer
) -> None:
    api = official_account_api(fake.url, "wx-app", "secret", world.db, world.clock)
    fake.script.append(answer)
    try:
        failure = await _failure(api)
    finally:
        await api.close()
    assert not failure.permanent and "token" in failure.reason


@pytest.mark.parametrize("code", [43004, 40003, 43019])
async def test_a_customer_who_cannot_be_reached_stays_a_permanent_failure(
    fake: FakeWeChatAPI, client: PlatformAPI, code: int
) -> None:
    fake.script.append(Answer(json={"errcode": code, "errmsg": "require subscribe"}))
    failure = await _failure(client)
    assert (failure.permanent, failure.unreachable) == (True, True)


async def test_a_timed_out_reply_stays_queued_and_goes_on_the_next_try(world: World) -> None:
    async with running(world, api_timeout=0.2) as wx:
        await wx.customer_says("o-slow", "你好")  # the menu goes (and the token is fetched)
        wx.api.script.append(Answer(hang=True))
        await wx.customer_says("o-slow", "/cases")  # this answer's send times out

        async def row(uow: UnitOfWork) -> OutboxMessage | None:
            return await uow.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))

        stored = await world.read(row)
        assert stored is not None and stored.status == OutboxStatus.PENDING
        assert "no answer from /cgi-bin/message/custom/send" in (stored.error or "")
        world.clock.advance(seconds=5)  # past the retry's wait
        await wx.drain()
        assert len(wx.api.texts_to("o-slow")) == 2
