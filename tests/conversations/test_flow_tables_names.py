"""Names the flows and use cases store are enum members (STYLE habit 7): the flows and
steps in `conversations.flow/step`, the timeline's `case_events.kind`, the outbox's
`purpose`. The enums' values are the strings already in databases, so no migration."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from conversations import customer, filing, staff, staff_filing
from conversations.base.values import EventKind, Purpose
from conversations.customer import CustomerStep
from conversations.filing import FilingStep
from conversations.state import Flow, State

ROOT = Path(__file__).resolve().parents[2]
WRITERS = ("handlers", "notifications", "storage", "bot")


def test_every_flow_a_module_answers_is_a_flow_member() -> None:
    answered = {
        *customer.FLOWS,
        filing.FLOW,
        staff.FLOW,
        staff.REVIEW_FLOW,
        staff_filing.FLOW,
        State().flow,
    }
    assert answered == set(Flow)


def test_every_filing_question_is_a_step_and_every_step_is_asked() -> None:
    assert set(filing.BY_KEY) == set(FilingStep) - {FilingStep.CONFIRM}


def test_stored_values_never_change() -> None:
    """Rows already saved hold these strings; renaming one strands those rows."""
    assert (Flow.FILING.value, Flow.IDLE.value, Flow.STAFF_INPUT.value) == (
        "file",
        "idle",
        "staff_input",
    )
    assert {s.value for s in CustomerStep} == {"reason", "text", "score", "comment"}
    assert (EventKind.PROGRESS_REPORTED.value, Purpose.CARD.value) == ("progress_reported", "card")


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for package in WRITERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"))


def _constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level `NAME = value`, so `record(..., REPORTED, ...)` can be followed."""
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                found[target.id] = node.value
    return found


def _stored(node: ast.expr, enum: type[StrEnum], constants: dict[str, ast.expr]) -> str | None:
    """What is wrong with a stored name written as `node`, or None when it is a member
    (a literal with a member's value, `Enum.MEMBER`, or a module constant of either).
    Names that are not module constants (parameters, attributes of rows) are not ours
    to judge here: their values were checked where they were written."""
    if isinstance(node, ast.Name) and node.id in constants:
        return _stored(constants[node.id], enum, constants)
    if isinstance(node, ast.Constant):
        if node.value is None or node.value in {member.value for member in enum}:
            return None
        return f"{node.value!r} is not a {enum.__name__}"
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
        return None
    if node.value.id == enum.__name__ and node.attr not in enum.__members__:
        return f"{enum.__name__}.{node.attr} does not exist"
    return None


def _written(call: ast.Call) -> Iterator[tuple[ast.expr, type[StrEnum]]]:
    """The stored names one call writes, with the enum each must belong to."""
    name = call.func.id if isinstance(call.func, ast.Name) else None
    if name == "record" and len(call.args) > 3:  # handlers.timeline.record(s, case, actor, KIND
        yield call.args[3], EventKind
    for keyword in call.keywords:
        if keyword.arg == "purpose":
            yield keyword.value, Purpose
        if keyword.arg == "kind" and name == "CaseEvent":
            yield keyword.value, EventKind


def _problems() -> Iterator[str]:
    for where, tree in _modules():
        constants = _constants(tree)
        calls = (node for node in ast.walk(tree) if isinstance(node, ast.Call))
        for call in calls:
            for value, enum in _written(call):
                if problem := _stored(value, enum, constants):
                    yield f"{where}:{call.lineno}: {problem}"


def test_every_event_kind_and_purpose_written_is_a_member() -> None:
    assert list(_problems()) == []


def _member(node: ast.expr, enum: type[StrEnum], constants: dict[str, ast.expr]) -> str | None:
    if isinstance(node, ast.Name) and node.id in constants:
        return _member(constants[node.id], enum, constants)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        member = enum.__members__.get(node.attr) if node.value.id == enum.__name__ else None
        return member.value if member is not None else None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _passed(call: ast.Call, constants: dict[str, ast.expr]) -> Iterator[str | None]:
    """Event kinds a call is handed: `EventKind.X` (or a constant naming one) in any
    argument, a literal where `record` takes the kind."""
    for value in (*call.args, *(keyword.value for keyword in call.keywords)):
        if not isinstance(value, ast.Constant):
            yield _member(value, EventKind, constants)
    if isinstance(call.func, ast.Name) and call.func.id == "record" and len(call.args) > 3:
        yield _member(call.args[3], EventKind, constants)


def test_every_event_kind_is_written() -> None:
    """The scan reaches the calls that write events (so it would see a stray literal),
    and no member is left that nothing stores."""
    written = {
        kind
        for _, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kind in _passed(node, _constants(tree))
    }
    assert {kind.value for kind in EventKind} <= written


def test_a_stray_literal_is_named() -> None:
    bad = ast.parse('record(s, c, a, "filed_twice", now)').body[0]
    assert isinstance(bad, ast.Expr) and isinstance(bad.value, ast.Call)
    assert _stored(bad.value.args[3], EventKind, {}) == "'filed_twice' is not a EventKind"


def _bare_names(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Flows and steps written as bare strings: `State("review_log", "platform")`,
    `row.flow = "idle"`, `flow="idle"`, `state.step == "category"` ("" is no step)."""
    for node in ast.walk(tree):
        found: list[ast.expr] = []
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "State"
        ):
            found += node.args[:2]
        if isinstance(node, ast.Call):
            found += [k.value for k in node.keywords if k.arg in {"flow", "step"}]
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = _pairs(target, node.value)
                found += [value for name, value in pairs if name in {"flow", "step"}]
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Attribute) and s.attr in {"flow", "step"} for s in sides):
                found += sides
        for value in found:
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
                yield node.lineno, value.value


def _pairs(target: ast.expr, value: ast.expr) -> list[tuple[str, ast.expr]]:
    if isinstance(target, ast.Attribute):
        return [(target.attr, value)]
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
        return [p for t, v in zip(target.elts, value.elts, strict=False) for p in _pairs(t, v)]
    return []


def test_flows_and_steps_are_never_bare_strings() -> None:
    """Issue 12: staff.py stored "staff_input", "review_log", "platform"; housekeeping and
    the conversation statements wrote "idle"."""
    bare = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for package in (*WRITERS, "conversations")
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for line, value in _bare_names(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert bare == []


def test_staff_steps_keep_their_stored_values() -> None:
    assert {s.value for s in staff.StaffStep} == {"text"}
    assert [s.value for s in staff.ReviewStep] == ["platform", "category", "details"]
    assert (staff.FLOW, staff.REVIEW_FLOW) == (Flow.STAFF_INPUT, Flow.REVIEW_LOG)
