"""The one way ccsim runs independent tasks: in this process, local processes or a Dask cluster.

Replications (``ccsim run``), scenario x replication pairs (compare, and through it pareto and
training) and sweep points all go through :class:`Executor`, so they share two contracts.

Determinism: a task's result depends only on its inputs (scenario, seed, replication number),
never on the number of workers, the order in which tasks finish or the machine they ran on.
Tasks draw from random streams derived from those inputs alone and share no state; the executor
runs each task once with exactly its arguments and hands back its result under the task's key,
in whatever order tasks finish. Callers put results in the order of their task keys before
using them (:func:`run_tasks` does), so one worker, two processes or a cluster give the same
numbers.

Interrupts: Ctrl-C and ``kill PID`` (SIGTERM) both raise ``KeyboardInterrupt`` in the main
process while an executor is open. Leaving an executor early for any reason (an interrupt, a
task's error raised by the caller, a failure in the caller's own code) cancels the queued tasks
and terminates local worker processes at once instead of waiting for them or leaving them
running: a replication holds a few hundred MB. On Dask the submitted tasks are cancelled; the
cluster's workers are not ours to stop. Standard library only at import: the sweep loads this
module without numba or SimPy, and ``distributed`` only comes with a client.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, cast

if TYPE_CHECKING:  # multiprocessing is imported only when a pool starts: ``ccsim --help`` skips it
    from concurrent.futures import ProcessPoolExecutor

K = TypeVar("K")
R = TypeVar("R")

Progress = Callable[[int], None]
"""Called with the number of tasks finished so far, after the caller has handled each."""

_GRACE_S = 2.0
"""How long a worker may take to die of SIGTERM before it is killed."""


@dataclass(frozen=True)
class Finished(Generic[K, R]):
    """One finished task: its key and either its value or the exception it raised."""

    key: K
    value: R | None = None
    error: BaseException | None = None


def default_workers(tasks: int, requested: int | None = None) -> int:
    """Worker processes worth starting.

    As requested (default one per core), at most one per task, at least one.
    """
    return max(1, min(tasks, requested or os.cpu_count() or 1))


class Executor:
    """Runs tasks serially (one worker), in local worker processes, or on a Dask ``client``.

    A ``client``, when given, takes every task whatever ``workers`` says.

    Use it as a context manager, which is what lets it keep the interrupt contract of the module
    docstring: ``with Executor(workers) as ex: for done in ex.as_completed(fn, tasks): ...``.
    One worker runs every task in this process, so a debugger or a test's monkeypatch sees it.
    """

    def __init__(self, workers: int = 1, client: Any | None = None) -> None:
        self.workers = workers
        self.client = client
        self._pool: ProcessPoolExecutor | None = None
        self._remote: list[Any] = []  # Dask futures, cancelled on an early exit
        self._stack = ExitStack()

    def __enter__(self) -> Self:
        self._stack.enter_context(sigterm_as_interrupt())
        if self.client is None and self.workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_worker_signals)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is not None:
                if self._pool is not None:
                    _terminate(self._pool)
                if self._remote:
                    self.client.cancel(self._remote)  # do not leave the cluster busy
            elif self._pool is not None:
                self._pool.shutdown()
        finally:
            self._pool, self._remote = None, []
            self._stack.close()

    def as_completed(
        self,
        fn: Callable[..., R],
        tasks: Mapping[K, tuple[Any, ...]],
        progress: Progress | None = None,
    ) -> Iterator[Finished[K, R]]:
        """Run ``fn(*args)`` for each ``key: args`` of ``tasks``; yield each as it finishes.

        A task's exception is yielded as its ``error``, not raised, so the caller decides
        whether one failure stops the rest (raise it) or is recorded (a sweep point). ``fn``
        must be picklable by reference (a module-level function) unless there is one worker.
        """
        for finished, done in enumerate(self._finish(fn, tasks), start=1):
            yield done
            if progress:
                progress(finished)

    def _finish(
        self, fn: Callable[..., R], tasks: Mapping[K, tuple[Any, ...]]
    ) -> Iterator[Finished[K, R]]:
        if self.client is not None:
            yield from self._finish_dask(fn, tasks)
        elif self._pool is not None:
            from concurrent.futures import as_completed as futures_completed

            futures = {self._pool.submit(fn, *args): key for key, args in tasks.items()}
            for future in futures_completed(futures):
                error = future.exception()
                value = None if error else future.result()
                yield Finished(futures[future], value, error)
        else:
            for key, args in tasks.items():
                try:
                    done = Finished(key, fn(*args))
                except Exception as error:  # as a worker reports it; Ctrl-C is not a result
                    done = Finished(key, None, error)
                yield done

    def _finish_dask(
        self, fn: Callable[..., R], tasks: Mapping[K, tuple[Any, ...]]
    ) -> Iterator[Finished[K, R]]:
        from distributed import as_completed  # an optional extra, present with a client

        # pure=False: equal arguments are still separate tasks, never one cached result
        futures = {self.client.submit(fn, *args, pure=False): key for key, args in tasks.items()}
        self._remote.extend(futures)
        for future in as_completed(futures):
            if future.status == "finished":
                yield Finished(futures[future], future.result())
            else:
                yield Finished(futures[future], None, future.exception())


def run_tasks(
    fn: Callable[..., R],
    tasks: Mapping[K, tuple[Any, ...]],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> dict[K, R]:
    """Every task's value by key, in the order of ``tasks`` whatever the order they finished.

    Runs over ``workers`` local processes (default: one per core). The first task that fails raises
    its exception and stops the others.
    """
    return dict(run_in_order(fn, tasks, workers=workers, progress=progress))


def run_in_order(
    fn: Callable[..., R],
    tasks: Mapping[K, tuple[Any, ...]],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[K, R]]:
    """``(key, value)`` in the order of ``tasks``, each as soon as it and all before it finished.

    A caller can hand each value on (write it) and drop it while later tasks still run, and
    still see them in a fixed order whatever the number of workers. The first task that fails
    raises its exception and stops the others; so does leaving the loop early.
    """
    order = list(tasks)
    held: dict[K, R] = {}
    nxt = 0
    with Executor(default_workers(len(tasks), workers)) as executor:
        for done in executor.as_completed(fn, tasks, progress):
            if done.error is not None:
                raise done.error
            held[done.key] = cast(R, done.value)  # no error: a value
            while nxt < len(order) and order[nxt] in held:
                yield order[nxt], held.pop(order[nxt])
                nxt += 1


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises ``KeyboardInterrupt`` in the main thread.

    The same cleanup then runs as for Ctrl-C. Elsewhere than the main thread (where Python cannot
    set signal handlers) the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def interrupt(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:
            # A worker forked within the block, stopped before it could set its own handler:
            # it dies of SIGTERM as a process should, without a traceback.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        # None: a handler not set from Python, which cannot be restored; default is closest
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _worker_signals() -> None:
    """In each worker: SIGTERM kills it, and Ctrl-C is left to the parent.

    A forked worker inherits the parent's SIGTERM handler, which would turn SIGTERM into an
    exception reported as the task's result. Ctrl-C, which a terminal sends to every process, is
    left to the parent, which terminates the workers.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _terminate(pool: ProcessPoolExecutor) -> None:
    # ``_processes`` is private, but Python < 3.14 offers no public way to stop a busy worker.
    processes = list((pool._processes or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(_GRACE_S)
        if process.is_alive():  # e.g. hung in C code, where a Python handler never runs
            process.kill()
            process.join()
