"""``kill PID`` (SIGTERM) stops a run, a comparison or a sweep like Ctrl-C: workers die with it.

Before this was handled, SIGTERM killed only the main process and its worker processes (a few
hundred MB each) went on simulating, orphaned. The CLI tests start ``ccsim`` as a subprocess,
wait until its workers exist, send SIGTERM to the main process only (as ``kill PID`` does) and
check that it exits with 130 at once and leaves no process behind.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
import yaml

from simulator.runs.executor import Executor, sigterm_as_interrupt

ROOT = Path(__file__).resolve().parents[2]
PROMPT_S = 10.0
"""An interrupted command must be gone within this; its work would take minutes."""


def scenario_file(tmp_path: Path, days: int) -> Path:
    """The minimal scenario (about a second per simulated day) stretched to ``days``."""
    data = yaml.safe_load((ROOT / "scenarios" / "minimal.yaml").read_text(encoding="utf-8"))
    data["horizon"]["days"] = days
    path = tmp_path / f"minimal_{days}d.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out waiting for the command to get going"
        time.sleep(0.1)


def alive(processes: list[psutil.Process]) -> list[int]:
    return [p.pid for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.fixture
def start_ccsim(tmp_path: Path) -> Iterator[Callable[..., tuple[subprocess.Popen, psutil.Process]]]:
    """Start ``ccsim ARGS`` in ``tmp_path``; whatever is left of it is killed after the test."""
    started: list[psutil.Process] = []

    def start(*args: str | Path) -> tuple[subprocess.Popen, psutil.Process]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "simulator.cli", *map(str, args)],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(psutil.Process(proc.pid))
        return proc, started[-1]

    yield start
    for process in started:
        try:
            for child in process.children(recursive=True):
                child.kill()
            process.kill()
        except psutil.NoSuchProcess:
            pass


def terminate(proc: subprocess.Popen, workers: list[psutil.Process]) -> tuple[float, str, str]:
    """SIGTERM to the main process only: seconds until it and its workers are gone, its stdout
    and stderr."""
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)  # workers left running would hold the pipes open
    wait_for(lambda: not alive(workers), timeout=PROMPT_S)
    return time.monotonic() - sent, out, err


def test_sigterm_stops_run_and_its_workers(tmp_path, start_ccsim):
    file = scenario_file(tmp_path, days=60)  # a minute per replication
    proc, main = start_ccsim("run", file, "--replications", "4", "--workers", "2", "--json")
    wait_for(lambda: len(main.children()) >= 2)
    workers = main.children(recursive=True)
    seconds, out, err = terminate(proc, workers)
    assert proc.returncode == 130, err
    assert seconds < PROMPT_S
    assert "Traceback" not in err
    assert out == ""  # no half result for a script to mistake for a whole one


def test_sigterm_stops_compare_and_its_workers(tmp_path, start_ccsim):
    """compare (like pareto and train) gets the interrupt contract from the executor."""
    first, second = scenario_file(tmp_path, days=60), scenario_file(tmp_path, days=59)
    args = ("compare", first, second, "--replications", "2", "--workers", "2", "--json")
    proc, main = start_ccsim(*args)
    wait_for(lambda: len(main.children()) >= 2)
    workers = main.children(recursive=True)
    seconds, out, err = terminate(proc, workers)
    assert proc.returncode == 130, err
    assert seconds < PROMPT_S
    assert "Traceback" not in err
    assert out == ""


@pytest.mark.slow
def test_sigterm_stops_sweep_and_says_how_to_resume(tmp_path, start_ccsim):
    base = scenario_file(tmp_path, days=1)
    experiment = tmp_path / "experiment.yaml"
    experiment.write_text(
        yaml.safe_dump(
            {
                "base": base.name,
                "replications": 1,
                "parameters": {"agents.headcount": {"from": 90, "to": 99, "step": 1}},
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "sweep"
    proc, main = start_ccsim("sweep", experiment, "--out", out, "--workers", "2")
    wait_for(lambda: any((out / "points").glob("*.parquet")))
    workers = main.children(recursive=True)
    assert len(workers) >= 2
    seconds, _, err = terminate(proc, workers)
    assert proc.returncode == 130, err
    assert seconds < PROMPT_S
    saved = len(list((out / "points").glob("*.parquet")))
    assert 1 <= saved < 10
    assert f"{saved} of 10 points saved in {out}; run the same command to resume" in err


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_leaving_an_executor_early_terminates_busy_workers():
    """An error while tasks run (here in the caller) must not wait for the queued work."""
    workers: list[psutil.Process] = []
    tasks = {0: (0.0,), **dict.fromkeys(range(1, 5), (60.0,))}  # two minutes of work on 2 cores

    def fail_while_busy() -> None:
        with Executor(2) as executor:
            for _ in executor.as_completed(_sleep, tasks):
                workers.extend(psutil.Process(pid) for pid in executor._pool._processes)
                raise RuntimeError("stop")

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="stop"):
        fail_while_busy()
    assert time.monotonic() - started < PROMPT_S
    assert workers
    assert not alive(workers)


def test_one_worker_also_turns_sigterm_into_an_interrupt():
    """Every study gets the interrupt contract, with or without worker processes."""
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), Executor(1) as executor:
        for _ in executor.as_completed(signal.raise_signal, {0: (signal.SIGTERM,)}):
            pass
    assert signal.getsignal(signal.SIGTERM) is before


def test_sigterm_handler_is_put_back():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), sigterm_as_interrupt():
        signal.raise_signal(signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is before
