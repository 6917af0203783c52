"""A complaint told in one message on the console channel (issue 19): an in-process
`complaintdesk chat` session. The console gives no name: no question comes before the
summary of what was understood, which says the name is optional and takes one typed to it;
then the receipt. Two bot turns, three with one correction or a name."""

from __future__ import annotations

import io

from bot.channels.console import ConsolePlayer
from bot.console_chat import converse
from storage.models import Case, Customer
from tests.bot.test_console_scope import app_for
from tests.fakes.world import World

TOLD = {
    "zh_Hans": "快递昨天显示已签收，但我根本没收到包裹，我要退款。",
    "en": "Yesterday the tracking said my parcel was delivered, but I never received it. "
    "I want a refund.",
}


def turns(transcript: str) -> list[list[str]]:
    """The bot's messages after each typed line (a message's numbered options are part of
    it)."""
    answers: list[list[str]] = []
    for line in transcript.splitlines():
        if line.startswith("you> "):
            answers.append([])
        elif line.startswith("bot> ") and answers:
            answers[-1].append(line.removeprefix("bot> "))
    return answers


async def test_a_story_that_says_everything_takes_two_bot_turns(world: World) -> None:
    out = io.StringIO()
    player = ConsolePlayer("console-19", None, "zh_Hans")
    await converse(app_for(world), player, io.StringIO(f"{TOLD['zh_Hans']}\n1\n"), out)
    answered = turns(out.getvalue())
    assert [len(answer) for answer in answered] == [1, 1]  # summary, receipt
    assert "请问怎么称呼您" not in out.getvalue()
    assert "类别：交付与物流（从您的描述判断）" in out.getvalue()
    assert "称呼：（未留，可直接回复您的称呼）" in out.getvalue()
    case = await world.only(Case)
    assert case.number in answered[1][0]
    assert (case.category, case.department, str(case.occurred_on)) == (
        "delivery",
        "logistics",
        "2026-11-23",
    )
    assert (await world.only(Customer)).name is None


async def test_a_name_typed_at_the_summary_takes_three_bot_turns(world: World) -> None:
    out = io.StringIO()
    player = ConsolePlayer("console-19", None, "zh_Hans")
    await converse(app_for(world), player, io.StringIO(f"{TOLD['zh_Hans']}\n王芳\n1\n"), out)
    answered = turns(out.getvalue())
    assert [len(answer) for answer in answered] == [1, 1, 1]  # summary x2, receipt
    said = out.getvalue().split("you> ")[1:]
    assert "称呼：王芳" in said[1]
    case = await world.only(Case)
    assert case.number in answered[2][0]
    assert (await world.only(Customer)).name == "王芳"


async def test_a_guess_corrected_on_the_console_goes_to_the_chosen_department(
    world: World,
) -> None:
    out = io.StringIO()
    player = ConsolePlayer("console-19", None, "en")
    # correct the category (2), the first category shown (1), submit (1)
    script = f"{TOLD['en']}\n2\n1\n1\n"
    await converse(app_for(world), player, io.StringIO(script), out)
    assert "Name: not given (you can simply reply with your name)" in out.getvalue()
    case = await world.only(Case)
    assert (case.category, case.department) == ("product_quality", "product")
    assert [len(answer) for answer in turns(out.getvalue())] == [1, 1, 1, 1]


async def test_a_wrong_guess_corrected_with_one_number_takes_three_bot_turns(
    world: World,
) -> None:
    """The summary offers 'Change to: Product quality' as 2: typing it is the one
    correction turn, then the receipt."""
    out = io.StringIO()
    player = ConsolePlayer("console-19", None, "en")
    hazard = (
        "The heater I bought from you sparked and caught fire yesterday, it is a fire hazard. "
        "I want compensation."
    )
    await converse(app_for(world), player, io.StringIO(f"{hazard}\n2\n1\n"), out)
    answered = turns(out.getvalue())
    assert [len(answer) for answer in answered] == [1, 1, 1]  # summary x2, receipt
    said = out.getvalue().split("you> ")[1:]  # what followed each typed line, whole
    assert "About: Safety (from your description)" in said[0]
    assert "2. Change to: Product quality" in said[0]
    assert "About: Product quality\n" in said[1] and "Change to:" not in said[1]
    case = await world.only(Case)
    assert case.number in answered[2][0]
    assert (case.category, case.department) == ("product_quality", "product")
    assert (await world.only(Customer)).name is None
