"""What an install from the wheel needs: declared dependencies, the data files, the version.

The full install into a fresh venv is `.ci/wheel-check` (too slow for a test); these tests
catch the same mistakes earlier: an import that only works because another package pulled
its dependency in (aiohttp through aiogram, issue 17), a data file left out of the wheel.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "notifications", "storage", "conversations")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DIST = PYPROJECT["project"]["name"]


def _normalized(name: str) -> str:
    """PEP 503 names, so `SQLAlchemy`, `sqlalchemy` and `chinese_calendar` compare equal."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> dict[str, str]:
    """Each runtime dependency's normalized name -> its whole requirement string."""
    deps: list[str] = PYPROJECT["project"]["dependencies"]
    return {_normalized(re.split(r"[\s\[<>=!~;]", dep, maxsplit=1)[0]): dep for dep in deps}


def _imported_top_levels() -> dict[str, Path]:
    """Every absolute top-level module our packages import, with one file that does."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], path.relative_to(ROOT))
    return found


def _third_party() -> dict[str, Path]:
    own = {*PACKAGES, "__future__"}
    return {
        name: path
        for name, path in _imported_top_levels().items()
        if name not in own and name not in sys.stdlib_module_names
    }


def test_every_third_party_import_is_a_declared_dependency() -> None:
    providers = importlib.metadata.packages_distributions()
    declared = _declared()
    undeclared = [
        f"{name} (imported in {path}; from {providers.get(name)})"
        for name, path in sorted(_third_party().items())
        if not {_normalized(dist) for dist in providers.get(name, [name])} & declared.keys()
    ]
    assert not undeclared, f"imported but not in pyproject dependencies: {undeclared}"


def test_the_scan_sees_the_libraries_imported_only_beside_aiogram() -> None:
    # aiohttp came in only through aiogram; the scan must see it for the check above to bite.
    assert {"aiohttp", "aiogram", "chinese_calendar", "xmltodict"} <= _third_party().keys()


def test_every_dependency_has_a_lower_bound() -> None:
    unbounded = [dep for dep in _declared().values() if not re.search(r">=|==|~=", dep)]
    assert not unbounded, f"declare the lowest version the desk was tested with: {unbounded}"


def test_version_option_prints_the_installed_metadata_version() -> None:
    result = CliRunner().invoke(main, ["--version"], prog_name="complaintdesk")

    assert result.exit_code == 0, result.output
    installed = importlib.metadata.version(DIST)
    assert result.output.strip() == f"complaintdesk, version {installed}"
    # A stale install (pyproject changed, `make` not rerun) would print an old number.
    assert installed == PYPROJECT["project"]["version"]


def test_python_dash_m_bot_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    assert result.stdout.strip().endswith(f"version {PYPROJECT['project']['version']}")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel pip builds from a copy of the sources (no build/ or egg-info in the tree)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    for package in PACKAGES:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(ROOT / package, source / package, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), "."]
    subprocess.run(command, cwd=source, check=True, timeout=300)
    (built,) = out.glob("*.whl")
    return zipfile.ZipFile(built)


def _data_files() -> set[str]:
    """The non-Python files the desk reads at run time, as paths inside the wheel."""
    patterns = [
        "conversations/locale/*/LC_MESSAGES/*.po",
        "bot/*.toml",
        "storage/migrations/*",
        "storage/migrations/versions/*.py",
    ]
    return {
        path.relative_to(ROOT).as_posix()
        for pattern in patterns
        for path in ROOT.glob(pattern)
        if path.is_file()
    }


def test_wheel_carries_catalogs_example_config_and_every_migration(
    wheel: zipfile.ZipFile,
) -> None:
    wanted = _data_files()
    assert "bot/config.example.toml" in wanted
    assert "conversations/locale/en/LC_MESSAGES/messages.po" in wanted
    assert "storage/migrations/alembic.ini" in wanted

    missing = sorted(wanted - set(wheel.namelist()))

    assert not missing, f"left out of the wheel: {missing}"


def test_wheel_metadata_names_version_script_and_license(wheel: zipfile.ZipFile) -> None:
    version = PYPROJECT["project"]["version"]
    info = f"{DIST}-{version}.dist-info"
    names = set(wheel.namelist())

    assert "bot/__main__.py" in names
    assert f"Version: {version}" in wheel.read(f"{info}/METADATA").decode().splitlines()
    assert "complaintdesk = bot.cli:main" in wheel.read(f"{info}/entry_points.txt").decode()
    assert any(name.startswith(info) and name.endswith("/LICENSE") for name in names)
