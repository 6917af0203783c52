"""The pins `.ci/lowest` tests on are pyproject.toml's lower bounds, one for each direct
dependency (issue 12): a bound raised or lowered without its pin fails here, not in CI."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / ".ci" / "lowest-constraints.txt"


def _lower_bounds() -> dict[str, Version | None]:
    """Each runtime dependency's lowest allowed version (>= or ==), None when it has none."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    bounds: dict[str, Version | None] = {}
    for line in pyproject["project"]["dependencies"]:
        requirement = Requirement(line)
        lows = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "==")]
        bounds[canonicalize_name(requirement.name)] = max(lows, default=None)
    return bounds


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        pin = Requirement(text)
        (spec,) = pin.specifier
        assert spec.operator == "==", f"{text}: pin one version with =="
        pins[canonicalize_name(pin.name)] = Version(spec.version)
    return pins


def test_every_direct_dependency_has_a_lower_bound() -> None:
    assert [name for name, low in _lower_bounds().items() if low is None] == []


def test_the_lowest_constraints_pin_each_lower_bound_and_nothing_else() -> None:
    bounds, pins = _lower_bounds(), _pins()
    assert sorted(pins) == sorted(bounds)
    differ = {n: f"pinned {v}, lower bound {bounds[n]}" for n, v in pins.items() if v != bounds[n]}
    assert differ == {}
