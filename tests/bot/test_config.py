"""Configuration errors name the key and say what is wrong (STYLE habit 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import EXAMPLE_CONFIG, ConfigError, load_config


def variant(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "desk.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problem(path: Path) -> str:
    with pytest.raises(ConfigError) as error:
        load_config(path)
    return str(error.value)


def test_the_shipped_example_is_valid() -> None:
    config = load_config(EXAMPLE_CONFIG)
    assert config.policy.grading.grades == ["general", "important", "major"]


@pytest.mark.parametrize(
    ("old", "new", "key", "says"),
    [
        (
            'acknowledge = "4 working hours"',
            'acknowledge = "4 workin hours"',
            "policy.deadlines.general.acknowledge",
            "<number> [working] <unit>",
        ),
        (
            'timezone = "Asia/Shanghai"',
            'timezone = "Asia/Shangai"',
            "policy.calendar.timezone",
            "unknown time zone",
        ),
        ('case_prefix = "TS"', 'case_prefix = "ts-1"', "policy.case_prefix", "pattern"),
        (
            'department = "logistics"',
            'department = "shipping"',
            "policy",
            "routes to unknown department 'shipping'",
        ),
        (
            "satisfied_from = 4",
            "satisfied_from = 9",
            "policy.measures.satisfied_from",
            "less than or equal to 5",
        ),
        (
            'approval_from = "important"',
            'approval_from = "urgent"',
            "policy.grading",
            "'urgent' is not one of grading.grades",
        ),
        (
            "[policy.calendar]",
            "[policy.calendar]\nwork_hours = []",
            "policy.calendar.work_hours",
            "unknown key",
        ),
        (
            'working_hours = [["09:00", "18:00"]]',
            'working_hours = [["18:00", "09:00"]]',
            "policy.calendar.working_hours",
            "must be ordered",
        ),
    ],
)
def test_each_error_names_its_key(tmp_path: Path, old: str, new: str, key: str, says: str) -> None:
    message = problem(variant(tmp_path, old, new))
    line = next(line for line in message.splitlines() if says in line)
    assert line.strip().startswith(f"{key}:")


def test_a_grade_without_deadlines_is_named(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        'grades = ["general", "important", "major"]',
        'grades = ["general", "important", "hot", "major"]',
    )
    assert "deadlines.hot is missing" in problem(path)


def test_four_grade_scheme_is_selectable(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        'grades = ["general", "important", "major"]',
        'grades = ["general", "important", "hot", "major"]',
    )
    text = path.read_text(encoding="utf-8").replace(
        "[policy.deadlines.major]",
        '[policy.deadlines.hot]\nacknowledge = "1 working hour"\npropose = "2 working days"\n'
        'implement = "3 working days"\nfollow_up = "1 working day"\nanswer = "24 hours"\n\n'
        "[policy.deadlines.major]",
    )
    text = text.replace(
        'collective = [{ count = 3, grade = "important" }',
        'collective = [{ count = 3, grade = "hot" }',
    )
    path.write_text(text, encoding="utf-8")
    grading = load_config(path).policy.grading
    assert grading.at_least("important", "hot") == "hot"


def test_missing_file_and_bad_toml_say_how_to_fix(tmp_path: Path) -> None:
    assert "complaintdesk init" in problem(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[policy\n", encoding="utf-8")
    assert "not valid TOML" in problem(broken)


def test_secrets_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTDESK_TELEGRAM__TOKEN", TOKEN)
    monkeypatch.setenv("COMPLAINTDESK_DATABASE__URL", "sqlite+aiosqlite:///other.db")
    config = load_config(EXAMPLE_CONFIG)
    assert config.telegram.token is not None
    assert config.telegram.token.get_secret_value() == TOKEN
    assert config.database.url == "sqlite+aiosqlite:///other.db"
    assert TOKEN not in repr(config.telegram)


TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
WECHAT = (
    '[wechat]\napp_id = "wx1"\napp_secret = "s"\ntoken = "t"\n'
    'encoding_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"\n'
    "templates = {{ {} }}\n\n[policy]\n"
)


@pytest.mark.parametrize(
    ("templates", "says"),
    [
        ('solution = "TPL-S"', "WeChat no longer shows first and remark"),
        (
            'solution = { id = "TPL-S", fields = { thing2 = "{answer}" } }',
            "thing2 = '{answer}': unknown {answer}; use {number}",
        ),
        ('refund = { id = "T", fields = { thing2 = "{number}" } }', "'refund' is not one of"),
        ('solution = { id = "TPL-S", fields = {} }', "at least 1 item"),
    ],
)
def test_wechat_templates_name_their_keywords(tmp_path: Path, templates: str, says: str) -> None:
    message = problem(variant(tmp_path, "[policy]\n", WECHAT.format(templates)))
    line = next(line for line in message.splitlines() if says in line)
    assert line.strip().startswith("wechat.templates")


def test_wechat_templates_load(tmp_path: Path) -> None:
    fields = 'character_string1 = "{number}", thing2 = "{solution}", time3 = "{time}"'
    config = load_config(
        variant(
            tmp_path,
            "[policy]\n",
            WECHAT.format(f'solution = {{ id = "TPL-S", fields = {{ {fields} }} }}'),
        )
    )
    template = config.wechat.templates["solution"]
    assert (template.id, template.fields["thing2"]) == ("TPL-S", "{solution}")


def test_delivery_and_callback_settings_reach_the_parts_that_use_them(tmp_path: Path) -> None:
    """[outbox] max_attempts, [wechat] max_clock_skew_seconds and api_timeout_seconds are
    not only accepted but wired into the dispatcher, the callback and the API client."""
    from bot.app import build_app
    from bot.wechat.wiring import OFFICIAL_ACCOUNT_PATH

    wechat = WECHAT.format("").replace(
        "templates = {  }\n", "max_clock_skew_seconds = 60\napi_timeout_seconds = 4\n"
    )
    path = variant(tmp_path, "[policy]\n", wechat)
    text = path.read_text(encoding="utf-8").replace("max_attempts = 10", "max_attempts = 3")
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    config.database.url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    app = build_app(config)
    assert app.dispatcher.outcomes.retries.max_attempts == 3
    callback = app.wechat.callbacks[OFFICIAL_ACCOUNT_PATH]
    assert callback.envelope.max_clock_skew.total_seconds() == 60
    assert [api.timeout for api in app.wechat.apis] == [4]
