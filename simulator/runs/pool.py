"""Worker processes that never outlive the command that started them.

A replication or sweep point holds a few hundred MB, so a worker left running after its parent
has gone is expensive. Ctrl-C and ``kill PID`` (SIGTERM) both become ``KeyboardInterrupt`` in
the main process, and leaving a pool early for any reason terminates its workers instead of
waiting for (or orphaning) the work still queued. Standard library only: the sweep imports it
without numba or SimPy.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from types import FrameType

_GRACE_S = 2.0
"""How long a worker may take to die of SIGTERM before it is killed."""


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises ``KeyboardInterrupt`` in the main thread, so the same
    cleanup runs as for Ctrl-C. Elsewhere than the main thread (where Python cannot set signal
    handlers) the block runs unchanged."""
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
    """In each worker: SIGTERM kills it (a forked worker inherits the parent's handler, which
    would turn it into an exception reported as the task's result), and Ctrl-C, which a terminal
    sends to every process, is left to the parent, which terminates the workers."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool that waits for its work on a normal exit, and on an exception (an error,
    Ctrl-C or SIGTERM) cancels what is queued and terminates the workers at once."""
    with sigterm_as_interrupt():
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_signals)
        try:
            yield pool
        except BaseException:
            _terminate(pool)
            raise
        pool.shutdown()


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
