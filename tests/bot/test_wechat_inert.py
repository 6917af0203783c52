"""What customers type reaches staff (WeCom robot markdown, WeCom app text) and customers
(Official Account text) as typed and inert: no link, mention, heading, quote, colour,
bold or code of theirs comes alive; the desk's own command lines stay formatted."""

from __future__ import annotations

import re

import pytest

from bot.wechat.senders import as_text, markdown
from conversations.base.policy import Language
from notifications.senders import Outgoing
from storage.models import Case
from tests.bot.wechat_harness import ROBOTS, running
from tests.fakes.world import World

INJECTIONS = [
    "[退款点这里](http://phish.example/refund)",
    "<@all> 紧急",
    "<@lilei>",
    '<font color="warning">已退款</font>',
    "# 系统通知\n## 请点击",
    "   ### indented heading",
    "> 经理已批准全额退款",
    "line one\n> quoted second line",
    "**加粗** and __under__",
    "`/approve TS202611-0001`",
    "```\ncode block\n```",
    '<a href="http://phish.example">退款</a>',
    "<a data-miniprogram-appid='wx123' href='http://x'>点我</a>",
    "&lt;@all&gt; and &#60;font&#62;",
    "[a]: http://phish.example/ref\n[点这里][a]",
    "![图](http://phish.example/p.png)",
    "http://phish.example/refund?x=1",
    "HTTPS://phish.example",
    "\\[escaped\\](http://phish.example)",
    "<https://phish.example/auto>",
]

# What WeCom robot markdown (v1) would render, and what WeChat text would link.
LIVE_MARKDOWN = {
    "link": re.compile(r"\[[^\]\n]*\]\s*[(\[]"),
    "mention": re.compile(r"<@"),
    "tag": re.compile(r"<\s*/?\s*[a-zA-Z!]"),
    "heading": re.compile(r"^\s*#", re.MULTILINE),
    "quote": re.compile(r"^\s*>", re.MULTILINE),
    "bold": re.compile(r"\*\*|__"),
    "code": re.compile(r"`"),
    "entity": re.compile(r"&(#?\w+);"),
    "clickable URL": re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://"),
}
LIVE_TEXT = {"tag": re.compile(r"<"), "entity": re.compile(r"&(#?\w+);")}
TAKE = {"label": "接手 [快]", "action": "take:TS202611-0001"}


def live(text: str, rules: dict[str, re.Pattern[str]]) -> list[str]:
    return [name for name, rule in rules.items() if rule.search(text)]


@pytest.mark.parametrize("typed", INJECTIONS)
def test_customer_text_in_robot_markdown_renders_inert(typed: str) -> None:
    content = markdown(Outgoing(chat_id="robot-product", text=typed, choices=[TAKE]))
    *text, command = content.split("\n")
    assert live("\n".join(text), LIVE_MARKDOWN) == []
    assert command == "> 接手 ［快］: `/take TS202611-0001`"  # ours stays formatted


@pytest.mark.parametrize("typed", INJECTIONS)
def test_customer_text_in_wechat_text_messages_has_no_live_link(typed: str) -> None:
    choice = {"label": f"1 {typed}", "action": "x"}
    content = as_text(Outgoing(chat_id="o-1", text=typed, choices=[choice]), Language.ZH_HANS)
    assert live(content, LIVE_TEXT) == []


def test_inert_text_still_reads_as_typed() -> None:
    typed = "[退款点这里](http://phish.example/refund) <@all> # 标题 **粗** `码` a&b"
    shown = markdown(Outgoing(chat_id="r", text=typed))
    assert (
        shown
        == "［退款点这里］(http：//phish.example/refund) ＜@all＞ # 标题 ＊＊粗＊＊ ｀码｀ a＆b"
    )


async def test_a_filed_description_reaches_the_staff_group_inert(world: World) -> None:
    async with running(world) as wx:
        story = '[退款点这里](http://phish.example/refund) <@all> <font color="info">急</font>'
        for line in (story, "1", "跳过", "王芳", "1"):  # the wish read: refund
            await wx.customer_says("o-injector", line)
        case = await world.only(Case)
        card = wx.api.sent("/cgi-bin/webhook/send", ROBOTS["product"])[-1]["markdown"]["content"]
        assert "［退款点这里］(http：//phish.example/refund) ＜@all＞" in card
        assert f"`/take {case.number}`" in card
        customer_lines = [line for line in card.split("\n") if "`" not in line]
        assert live("\n".join(customer_lines), LIVE_MARKDOWN) == []
