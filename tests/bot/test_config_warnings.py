"""`check-config` warns, and still accepts, where the desk would run but leave work
undone without a word (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conversations.base.policy import Language
from tests.bot.config_variants import (
    AES_KEY,
    TOKEN,
    before_policy,
    check,
    isolate,
    variant,
    with_telegram,
)

EXAMPLE_STAFF = "# These three are demo staff"


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path, monkeypatch)


def warnings_for(path: Path) -> list[str]:
    result = check(path)
    assert result.exit_code == 0, result.output
    assert "OK: 8 departments" in result.output
    return [
        line.removeprefix("warning: ") for line in result.output.splitlines() if "warning: " in line
    ]


def without_roster(path: Path) -> Path:
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index(EXAMPLE_STAFF)], encoding="utf-8")
    return path


def test_the_shipped_example_has_no_warning(here: Path) -> None:
    assert warnings_for(variant(here)) == []


def test_an_empty_roster_is_warned(here: Path) -> None:
    (warning,) = warnings_for(without_roster(variant(here)))
    assert warning.startswith("policy.staff: the roster is empty, so nobody can take a case")
    assert "complaintdesk staff invite" in warning


def test_a_roster_without_a_manager_is_warned(here: Path) -> None:
    (warning,) = warnings_for(variant(here, ('role = "manager"', 'role = "lead"')))
    assert warning.startswith('policy.staff: no one has role = "manager"')


def test_departments_and_staff_without_a_telegram_chat_are_warned(here: Path) -> None:
    warned = warnings_for(
        variant(
            here,
            with_telegram(f'token = "{TOKEN}"'),
            ('chats = { console = "product" }', 'chats = { telegram = "-1001234567890" }'),
            ('accounts = { console = "staff:李雷" }', 'accounts = { telegram = "4242" }'),
        )
    )
    departments = [line for line in warned if ".chats:" in line]
    assert len(departments) == 7  # all but product
    assert (
        "policy.departments.0.chats: service has no chat on telegram, so its alerts reach "
        'nobody: add e.g. telegram = "<chat id>"'
    ) in departments
    staff = [line for line in warned if line.startswith("policy.staff.")]
    assert [line.split(":")[0] for line in staff] == [
        "policy.staff.1.accounts",
        "policy.staff.2.accounts",
    ]


def test_chats_on_a_channel_not_configured_are_warned(here: Path) -> None:
    warned = warnings_for(
        variant(
            here,
            ('chats = { console = "product" }', 'chats = { console = "p", telegram = "-100123" }'),
            ("# recipients = [", 'recipients = [{ channel = "wecom_robot", chat = "key-1" }]\n#'),
        )
    )
    assert warned == [
        "policy.departments.1.chats.telegram: telegram is not configured, so messages to "
        "this chat wait in the outbox: configure telegram or remove the chat",
        "policy.digest.recipients.0: wecom_robot is not configured, so messages to this chat "
        "wait in the outbox: configure wecom_robot or remove the chat",
    ]


def test_plain_http_to_another_machine_is_warned(here: Path) -> None:
    warned = warnings_for(
        variant(
            here,
            with_telegram(
                f'token = "{TOKEN}"',
                'api_base = "http://10.0.0.5:8081"',
            ),
            ('chats = { console = "product" }', 'chats = { telegram = "-1001234567890" }'),
        )
    )
    assert (
        "telegram.api_base: http://10.0.0.5:8081 is plain http to another machine, so tokens "
        "cross the network unencrypted: use https, or a server on 127.0.0.1"
    ) in warned


def test_a_local_bot_api_server_over_http_is_not_warned(here: Path) -> None:
    warned = warnings_for(
        variant(here, with_telegram(f'token = "{TOKEN}"', 'api_base = "http://127.0.0.1:8081"'))
    )
    assert not [line for line in warned if "api_base" in line]


def test_a_short_token_is_warned_not_refused(here: Path) -> None:
    warned = warnings_for(variant(here, with_telegram('token = "123456:ABC"')))
    assert (
        "telegram.token: the part after the colon has 3 characters where @BotFather gives 35: "
        "if Telegram refuses it, copy the whole token again"
    ) in warned


def test_wechat_customers_without_a_staff_channel_are_warned(here: Path) -> None:
    keys = f'app_id = "wx1"\napp_secret = "s"\ntoken = "t"\nencoding_aes_key = "{AES_KEY}"'
    warned = warnings_for(variant(here, before_policy(f"[wechat]\n{keys}")))
    assert warned[0].startswith("wecom: no staff channel is configured")


MINIAPP_URL = 'url = "https://desk.example.com"'


def miniapp_warnings(here: Path, *keys: str, telegram: bool = False) -> list[str]:
    section = ("# [miniapp]\n", "[miniapp]\nenabled = true\n" + "".join(f"{k}\n" for k in keys))
    edits = [section, with_telegram(f'token = "{TOKEN}"')] if telegram else [section]
    return [w for w in warnings_for(variant(here, *edits)) if w.startswith("miniapp.")]


def test_a_mini_app_without_its_url_is_warned(here: Path) -> None:
    (warning,) = miniapp_warnings(here, telegram=True)
    assert warning.startswith("miniapp.url: the Mini App is enabled without url")


def test_a_mini_app_without_a_telegram_token_or_secret_is_warned(here: Path) -> None:
    warned = miniapp_warnings(here, MINIAPP_URL)
    assert [w.split(":")[0] for w in warned] == ["miniapp.enabled", "miniapp.secret"]
    assert "without [telegram] token" in warned[0]
    assert "each restart signs everyone out" in warned[1]
    (only,) = miniapp_warnings(here, MINIAPP_URL, 'secret = "long-random-string"')
    assert only.startswith("miniapp.enabled:")


def test_a_complete_mini_app_or_a_disabled_one_is_not_warned(here: Path) -> None:
    assert miniapp_warnings(here, MINIAPP_URL, telegram=True) == []
    disabled = ("# [miniapp]\n", f"[miniapp]\nenabled = false\n{MINIAPP_URL}\n")
    assert not [w for w in warnings_for(variant(here, disabled)) if w.startswith("miniapp.")]


def test_a_category_without_story_phrases_is_warned(here: Path) -> None:
    """A config from an older example: no story words, so no guesses (issue 19)."""
    from bot.config import load_config
    from bot.config_warnings import warnings

    config = load_config(variant(here))
    first = config.policy.categories[0]
    bare = first.model_copy(update={"phrases": {**first.phrases, Language.EN: []}})
    policy = config.policy.model_copy(update={"categories": [bare, *config.policy.categories[1:]]})
    (warning,) = warnings(config.model_copy(update={"policy": policy}))
    assert warning.key == "policy.categories.0.phrases"
    assert repr(first.key) in warning.message and "in en," in warning.message
