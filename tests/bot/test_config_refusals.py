"""`check-config` refuses what `run` would die of, naming the key (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.config_variants import (
    AES_KEY,
    CLOSED_PORT_PG,
    TOKEN,
    before_policy,
    check,
    isolate,
    line_for,
    refusal,
    variant,
    with_telegram,
)

PRODUCT_CHATS = 'chats = { console = "product" }'
LEI_ACCOUNTS = 'accounts = { console = "staff:李雷" }'
MEI_ACCOUNTS = 'accounts = { console = "staff:韩梅梅" }'
WECHAT_KEYS = f'app_id = "wx1"\napp_secret = "s"\ntoken = "t"\nencoding_aes_key = "{AES_KEY}"'
WECOM_KEYS = (
    f'corp_id = "ww1"\ncorp_secret = "s"\nagent_id = 1000002\ntoken = "t"\n'
    f'encoding_aes_key = "{AES_KEY}"'
)


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path, monkeypatch)


CASES = {
    "telegram chat id not a number": (
        [(PRODUCT_CHATS, 'chats = { console = "product", telegram = "product-group" }')],
        "policy.departments.1.chats.telegram",
        "a Telegram chat id is a number such as -1001234567890",
    ),
    "telegram topic not a number": (
        [(PRODUCT_CHATS, 'chats = { telegram = "-1001234567890:general" }')],
        "policy.departments.1.chats.telegram",
        "-1001234567890:17 for a forum topic",
    ),
    "channel name misspelt": (
        [(PRODUCT_CHATS, 'chats = { telgram = "-1001234567890" }')],
        "policy.departments.1.chats.telgram",
        "unknown channel 'telgram': use one of console, telegram",
    ),
    "telegram staff account not a user id": (
        [(LEI_ACCOUNTS, 'accounts = { telegram = "-1001234567890" }')],
        "policy.staff.0.accounts.telegram",
        "a Telegram user id is a positive number",
    ),
    "duplicate staff account": (
        [(MEI_ACCOUNTS, 'accounts = { console = "staff:李雷" }')],
        "policy.staff.1.accounts.console",
        "'staff:李雷' is also the console account of '李雷' (policy.staff.0)",
    ),
    "duplicate staff name": (
        [('name = "韩梅梅"', 'name = "李雷"')],
        "policy.staff.1.name",
        "'李雷' is already policy.staff.0",
    ),
    "digest to an unknown channel": (
        [("# recipients = [", 'recipients = [{ channel = "slack", chat = "#managers" }]\n# [')],
        "policy.digest.recipients.0",
        "unknown channel 'slack'",
    ),
    "token of the wrong shape": (
        [with_telegram('token = "bot123456789 AAH"')],
        "telegram.token",
        "not a bot token: it looks like 123456789:AAH...",
    ),
    "garbage api_base": (
        [with_telegram(f'token = "{TOKEN}"', 'api_base = "api.telegram.org"')],
        "telegram.api_base",
        "not an http(s) URL",
    ),
    "http webhook url": (
        [
            with_telegram(
                f'token = "{TOKEN}"',
                'mode = "webhook"',
                'webhook_url = "http://desk.example/telegram/webhook"',
                'webhook_secret = "s3cret"',
            )
        ],
        "telegram.webhook_url",
        "must start with https://",
    ),
    "webhook secret with forbidden characters": (
        [
            with_telegram(
                f'token = "{TOKEN}"',
                'mode = "webhook"',
                'webhook_url = "https://desk.example/telegram/webhook"',
                'webhook_secret = "my secret!"',
            )
        ],
        "telegram.webhook_secret",
        "1 to 256 characters of A-Z, a-z, 0-9, _ and -",
    ),
    "telegram section without a token": (
        [with_telegram('mode = "polling"', 'api_base = "https://api.telegram.org"')],
        "telegram",
        "api_base, mode set but no token: set telegram.token or COMPLAINTDESK_TELEGRAM__TOKEN",
    ),
    "unsupported database driver": (
        [('url = "sqlite+aiosqlite:///complaintdesk.db"', 'url = "mysql://desk@db/desk"')],
        "database.url",
        "unsupported database driver 'mysql'",
    ),
    "database url that is no URL": (
        [('url = "sqlite+aiosqlite:///complaintdesk.db"', 'url = "complaintdesk.db"')],
        "database.url",
        "not a database URL",
    ),
    "wechat aes key of the wrong length": (
        [before_policy(f'[wechat]\n{WECHAT_KEYS[:-2]}"')],
        "wechat.encoding_aes_key",
        "EncodingAESKey must be the 43 letters and digits",
    ),
    "partial wechat section": (
        [before_policy('[wechat]\napp_id = "wx1"\ntoken = "t"')],
        "wechat",
        "app_secret, encoding_aes_key missing: this channel needs app_id, app_secret, token",
    ),
    "partial wecom section": (
        [before_policy('[wecom]\ncorp_id = "ww1"\nagent_id = 1000002')],
        "wecom",
        "corp_secret, token, encoding_aes_key missing",
    ),
    "a week of weekends": (
        [("weekend = [5, 6]", "weekend = [0, 1, 2, 3, 4, 5, 6]")],
        "policy.calendar.weekend",
        "every day of the week is listed, so there is no working time",
    ),
    "weekday out of range": (
        [("weekend = [5, 6]", "weekend = [6, 7]")],
        "policy.calendar.weekend",
        "[7] are not weekdays",
    ),
    "closed for ever": (
        [
            (
                "# closures = [",
                'closures = [{ start = "2000-01-01", end = "2199-12-31" }]\n# closures = [',
            )
        ],
        "policy.calendar",
        "no working time in the next ten years",
    ),
    "zero deadline": (
        [('acknowledge = "4 working hours"', 'acknowledge = "0 working hours"')],
        "policy.deadlines.general.acknowledge",
        "0 working hours is no time at all",
    ),
    "zero idle time": (
        [('conversation_idle = "60 minutes"', 'conversation_idle = "0 minutes"')],
        "policy.conversation_idle",
        "must be longer than zero",
    ),
}


@pytest.mark.parametrize(("edits", "key", "says"), list(CASES.values()), ids=list(CASES))
def test_check_config_refuses_and_names_the_key(
    here: Path, edits: list[tuple[str, str]], key: str, says: str
) -> None:
    output = refusal(variant(here, *edits))
    assert says in line_for(output, key)


def test_secrets_are_not_repeated_in_refusals(here: Path) -> None:
    output = refusal(variant(here, with_telegram('token = "bot123456789 AAH"')))
    assert "bot123456789 AAH" not in output


@pytest.mark.parametrize(
    "edits",
    [
        [(PRODUCT_CHATS, 'chats = { console = "product", telegram = "-1001234567890:17" }')],
        [(LEI_ACCOUNTS, 'accounts = { console = "staff:李雷", telegram = "123456789" }')],
        [before_policy(f"[wechat]\n{WECHAT_KEYS}"), before_policy(f"[wecom]\n{WECOM_KEYS}")],
        [with_telegram(f'token = "{TOKEN}"', 'api_base = "http://127.0.0.1:8081"')],
        [("# recipients = [", 'recipients = [{ channel = "console", chat = "boss" }]\n# [')],
    ],
    ids=["forum topic", "telegram user", "complete wechat and wecom", "local bot api", "digest"],
)
def test_check_config_accepts_the_right_shapes(here: Path, edits: list[tuple[str, str]]) -> None:
    result = check(variant(here, *edits))
    assert result.exit_code == 0, result.output
    assert "OK: 8 departments" in result.output


def test_a_token_from_the_environment_completes_the_telegram_section(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPLAINTDESK_TELEGRAM__TOKEN", TOKEN)
    result = check(variant(here, with_telegram('mode = "polling"')))
    assert result.exit_code == 0, result.output


def test_an_unreachable_database_is_refused(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTDESK_DATABASE__URL", CLOSED_PORT_PG)
    line = line_for(refusal(variant(here)), "database.url")
    assert "cannot reach postgresql+asyncpg://postgres@127.0.0.1:1/test" in line
    assert "check the host, port, user, password and database name" in line


def test_a_database_password_is_hidden(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "COMPLAINTDESK_DATABASE__URL", "postgresql+asyncpg://desk:hunter2@127.0.0.1:1/x"
    )
    output = refusal(variant(here))
    assert "hunter2" not in output and "desk:***@127.0.0.1:1/x" in output


def test_a_missing_sqlite_directory_is_refused(here: Path) -> None:
    url = f"sqlite+aiosqlite:///{here / 'no' / 'such' / 'desk.db'}"
    path = variant(here, ('url = "sqlite+aiosqlite:///complaintdesk.db"', f'url = "{url}"'))
    line = line_for(refusal(path), "database.url")
    assert f"the directory {here / 'no' / 'such'} of the SQLite file does not exist" in line
    assert not (here / "no").exists()
