"""`complaintdesk cases file`: a complaint taken by phone filed from the command line, as
an operator would on a fresh directory (SQLite), with clear errors (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.bot.test_cli import invoke, workdir  # noqa: F401 - the fixture

PHONE_CALL = (
    "cases", "file", "--via", "phone", "--name", "王芳", "--phone", "138 1234 5678",
    "--category", "product_quality", "--description", "电水壶底部漏水", "--wants", "replacement",
)  # fmt: skip


def test_cases_file_prints_the_receipt_and_the_case_is_owned(workdir: Path) -> None:  # noqa: F811
    invoke("init")  # its example roster has 韩梅梅 of customer service
    printed = invoke(*PHONE_CALL, "--staff", "韩梅梅", "--order", "A123456")
    number = re.search(r"TS\d{6}-\d{4}", printed)
    assert number is not None, printed
    assert "Received by 韩梅梅" in printed and "not messaged" in printed
    assert f"您的案件编号是 {number[0]}" in printed  # the receipt, in the desk's language
    shown = invoke("cases", "show", number[0])
    assert "phone" in shown and "A123456" in shown


def test_cases_file_without_staff_files_with_no_owner(workdir: Path) -> None:  # noqa: F811
    invoke("init")
    printed = invoke(*PHONE_CALL[:4], "--category", "delivery", "--description", "没送到")
    assert "Filed TS" in printed and "Received by" not in printed


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (("--category", "weather"), "unknown category 'weather'; known: product_quality"),
        (("--staff", "无名氏"), "no staff member named '无名氏'"),
        (("--phone", "12345"), "The contact must be a mobile number"),
        (("--name", "1"), "The customer's name needs a letter"),
        (("--via", "fax"), "Invalid value for '--via'"),
        (("--description", " "), "Please describe what happened"),
    ],
)
def test_cases_file_says_what_is_wrong(
    workdir: Path,  # noqa: F811
    change: tuple[str, str],
    error: str,
) -> None:
    invoke("init")  # its example roster has 韩梅梅 of customer service
    result = CliRunner().invoke(main, [*PHONE_CALL, *change])
    assert result.exit_code != 0 and error in result.output, result.output
    assert "Filed" not in result.output


def test_cases_file_refuses_a_deactivated_receiver(workdir: Path) -> None:  # noqa: F811
    invoke("init")
    invoke("staff", "deactivate", "韩梅梅")
    result = CliRunner().invoke(main, [*PHONE_CALL, "--staff", "韩梅梅"])
    assert result.exit_code != 0 and "access was withdrawn" in result.output, result.output
    assert "Filed" not in result.output
