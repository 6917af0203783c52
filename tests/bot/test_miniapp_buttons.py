"""The card's Details button opens the Mini App when it is enabled (issue 16): a web_app
button in a private chat, the direct link in a group (Telegram allows no web_app button
there), and the chat's own Details callback otherwise."""

from __future__ import annotations

from bot.telegram.format import Pages, keyboard
from conversations.actions import CaseVerb, case_button

PAGES = Pages("https://desk.example.com", "https://t.me/DeskBot/desk")
DETAILS = {"label": "详情", "action": case_button(CaseVerb.DETAILS, "TS202611-0007")}
TAKE = {"label": "接单", "action": case_button(CaseVerb.TAKE, "TS202611-0007")}


def test_details_is_a_web_app_button_in_a_private_chat() -> None:
    markup = keyboard([DETAILS], PAGES, private=True)
    assert markup is not None
    (button,) = markup.inline_keyboard[0]
    assert button.web_app is not None
    assert button.web_app.url == "https://desk.example.com/app/case/TS202611-0007"
    assert button.callback_data is None


def test_details_in_a_group_is_the_direct_link_and_take_stays_a_callback() -> None:
    markup = keyboard([TAKE, DETAILS], PAGES, private=False)
    assert markup is not None
    take, details = markup.inline_keyboard[0][0], markup.inline_keyboard[1][0]
    assert take.callback_data == TAKE["action"] and take.url is None
    assert details.url == "https://t.me/DeskBot/desk?startapp=TS202611-0007"
    assert details.web_app is None


def test_without_the_mini_app_or_its_link_details_stays_the_chat_callback() -> None:
    for markup in (
        keyboard([DETAILS]),
        keyboard([DETAILS], Pages("https://desk.example.com"), private=False),
    ):
        assert markup is not None
        assert markup.inline_keyboard[0][0].callback_data == DETAILS["action"]
