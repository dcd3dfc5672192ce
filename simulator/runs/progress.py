"""Progress bars on stderr for long work (replications, sweep points, what-ifs).

One look everywhere: what is counted, done / total, elapsed time and an ETA. Shown only when
stderr is a terminal, so pipes and ``--json`` output stay clean. No auto-refresh thread:
worker processes are forked while the bar is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


@contextmanager
def progress_bar(
    total: int, what: str, *, already: int = 0, enabled: bool = True
) -> Iterator[Callable[[int], None]]:
    """Yield ``update(done)``, an executor's progress callback.

    ``done`` tasks finished by this command are shown on top of the ``already`` finished before (a
    resumed sweep).
    """
    console = Console(stderr=True)
    with Progress(
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        auto_refresh=False,
        transient=True,
        disable=not (enabled and console.is_terminal),
    ) as bar:
        task = bar.add_task(what, total=total, completed=already)
        bar.refresh()

        def update(done: int) -> None:
            bar.update(task, completed=already + done, refresh=True)

        yield update
