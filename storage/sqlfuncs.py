"""SQL expressions that differ by dialect, so measures stay one query on both backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement[float]):
    """Seconds from the second timestamp to the first."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)


@compiles(seconds_between, "sqlite")
def _sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _postgresql(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


class whole_days_between(FunctionElement[int]):
    """Whole days from the second timestamp to the first (for later ones: floor)."""

    type = Integer()
    inherit_cache = True
    name = "whole_days_between"

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)


@compiles(whole_days_between, "sqlite")
def _sqlite_days(element: whole_days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(whole_days_between, "postgresql")
def _postgresql_days(element: whole_days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400) AS INTEGER)"
