"""A complaint told in one message on the console channel (issue 19): an in-process
`complaintdesk chat` session. The console gives no name: the name is the one question,
then the summary of what was understood, then the receipt: three bot turns."""

from __future__ import annotations

import io

from bot.channels.console import ConsolePlayer
from bot.console_chat import converse
from storage.models import Case
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


async def test_a_story_that_says_everything_takes_three_bot_turns(world: World) -> None:
    out = io.StringIO()
    player = ConsolePlayer("console-19", None, "zh_Hans")
    await converse(app_for(world), player, io.StringIO(f"{TOLD['zh_Hans']}\n王芳\n1\n"), out)
    answered = turns(out.getvalue())
    assert [len(answer) for answer in answered] == [1, 1, 1]  # name, summary, receipt
    assert "请问怎么称呼您" in answered[0][0]
    assert "类别：交付与物流（从您的描述判断）" in out.getvalue()
    case = await world.only(Case)
    assert case.number in answered[2][0]
    assert (case.category, case.department, str(case.occurred_on)) == (
        "delivery",
        "logistics",
        "2026-11-23",
    )


async def test_a_guess_corrected_on_the_console_goes_to_the_chosen_department(
    world: World,
) -> None:
    out = io.StringIO()
    player = ConsolePlayer("console-19", None, "en")
    # skip the name (1), correct the category (2), the first category shown (1), submit (1)
    script = f"{TOLD['en']}\n1\n2\n1\n1\n"
    await converse(app_for(world), player, io.StringIO(script), out)
    assert "Name: anonymous" in out.getvalue()
    case = await world.only(Case)
    assert (case.category, case.department) == ("product_quality", "product")
    assert [len(answer) for answer in turns(out.getvalue())] == [1, 1, 1, 1, 1]


async def test_a_wrong_guess_corrected_with_one_number_takes_four_bot_turns(
    world: World,
) -> None:
    """Name skipped, the summary offers 'Change to: Product quality' as 2: typing it is the
    one correction turn, then the receipt."""
    out = io.StringIO()
    player = ConsolePlayer("console-19", None, "en")
    hazard = (
        "The heater I bought from you sparked and caught fire yesterday, it is a fire hazard. "
        "I want compensation."
    )
    await converse(app_for(world), player, io.StringIO(f"{hazard}\n1\n2\n1\n"), out)
    answered = turns(out.getvalue())
    assert [len(answer) for answer in answered] == [1, 1, 1, 1]  # name, summary x2, receipt
    said = out.getvalue().split("you> ")[1:]  # what followed each typed line, whole
    assert "About: Safety (from your description)" in said[1]
    assert "2. Change to: Product quality" in said[1]
    assert "About: Product quality\n" in said[2] and "Change to:" not in said[2]
    case = await world.only(Case)
    assert case.number in answered[3][0]
    assert (case.category, case.department) == ("product_quality", "product")
