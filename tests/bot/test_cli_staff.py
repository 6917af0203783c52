"""`complaintdesk staff deactivate|activate NAME` and a name taken out of the config
roster, run as an operator would on a fresh directory (SQLite) (issue 13)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from storage.engine import open_database
from storage.models import AuditEntry, Staff
from tests.bot.test_cli import invoke


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLAINTDESK_DATABASE__URL", raising=False)
    return tmp_path


def stored() -> tuple[dict[str, bool], list[tuple[str, str]]]:
    """Who is active, and the audit log's (action, actor) rows, as the database has them."""

    async def read() -> tuple[dict[str, bool], list[tuple[str, str]]]:
        db = open_database("sqlite+aiosqlite:///complaintdesk.db")
        try:
            async with db.sessions() as session:
                staff = await session.execute(select(Staff.name, Staff.active))
                audit = await session.execute(
                    select(AuditEntry.action, AuditEntry.actor).order_by(AuditEntry.id)
                )
                return {r[0]: bool(r[1]) for r in staff}, [(r[0], r[1]) for r in audit]
        finally:
            await db.dispose()

    return asyncio.run(read())


def test_deactivate_and_activate_by_name(workdir: Path) -> None:
    invoke("init")
    assert "inactive" in invoke("staff", "deactivate", "李雷")
    assert stored() == (
        {"李雷": False, "韩梅梅": True, "张总": True},
        [("staff_deactivated", "operator")],
    )
    assert "active" in invoke("staff", "activate", "李雷")
    active, audit = stored()
    assert active["李雷"] is True and audit[-1] == ("staff_activated", "operator")


def test_an_unknown_name_is_an_error_listing_the_staff(workdir: Path) -> None:
    invoke("init")
    result = CliRunner().invoke(main, ["staff", "deactivate", "Nobody"])
    assert result.exit_code == 1
    assert "no staff member named 'Nobody'; staff: 张总, 李雷, 韩梅梅" in result.output
    assert all(stored()[0].values())


def test_a_name_taken_out_of_the_config_loses_access_at_the_next_start(workdir: Path) -> None:
    invoke("init")
    invoke("staff", "invite", "--department", "product")  # the roster synced: all active
    assert stored()[0] == {"李雷": True, "韩梅梅": True, "张总": True}
    config = workdir / "complaintdesk.toml"
    text = config.read_text()
    entry = (
        '[[policy.staff]]\nname = "韩梅梅"\ndepartment = "service"\nrole = "lead"\n'
        'accounts = { console = "staff:韩梅梅" }\n'
    )
    assert entry in text
    config.write_text(text.replace(entry, ""))
    invoke("staff", "invite", "--department", "product")  # starts as `run` does
    active, audit = stored()
    assert active == {"李雷": True, "韩梅梅": False, "张总": True}
    assert audit == [("staff_deactivated", "roster")]
