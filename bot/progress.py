"""Progress bars for long operator commands, only where a person watches: a terminal,
never a pipe or `--json` output, which scripts read (issue 17)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

Advance = Callable[[int, int], None]


@contextmanager
def progress(console: Console, description: str, *, shown: bool = True) -> Iterator[Advance]:
    """A bar told `advance(done, total)`; without a call it pulses until the work ends."""
    visible = shown and console.is_terminal
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, disable=not visible, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance
