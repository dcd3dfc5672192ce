"""The executor's contracts: results by task key whatever runs them, failures as results.

A task's value may depend only on its arguments, so one worker, two processes and a Dask cluster
must hand back the same values under the same keys, in the order the tasks were given; a run and
a comparison built on it give the same numbers with any number of workers.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest
import yaml

from simulator import load_scenario
from simulator.runs.executor import Executor, default_workers, run_in_order, run_tasks
from simulator.studies.compare import compare

ROOT = Path(__file__).resolve().parents[2]

PROMPT_S = 10.0
"""A failure must stop the other tasks within this; they would take minutes."""

TASKS = {(i, r): (7, i, r) for i in range(2) for r in range(3)}


def _draws(seed: int, scenario: int, replication: int) -> list[float]:
    """A stand-in for a replication: random numbers from streams named by its inputs."""
    return np.random.default_rng([seed, scenario, replication]).random(5).tolist()


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _fail_on(bad: int, value: int) -> int:
    if value == bad:
        raise ValueError(f"task {value} failed on purpose")
    return value * 10


def test_one_worker_and_two_processes_give_the_same_values_in_task_order():
    serial = run_tasks(_draws, TASKS, workers=1)
    processes = run_tasks(_draws, TASKS, workers=2)
    assert list(serial) == list(TASKS)
    assert list(processes.items()) == list(serial.items())


def test_results_come_back_in_task_order_whichever_finished_first():
    seen: list[int] = []
    values = run_tasks(
        _sleep, {s: (s,) for s in (0.3, 0.2, 0.1, 0.0)}, workers=2, progress=seen.append
    )
    assert list(values.items()) == [(0.3, 0.3), (0.2, 0.2), (0.1, 0.1), (0.0, 0.0)]
    assert seen == [1, 2, 3, 4]


def test_in_order_hands_on_each_value_once_all_before_it_finished():
    """Task 0 takes longest: nothing comes out before it, then everything in task order."""
    finished: list[int] = []
    out = []
    for key, value in run_in_order(
        _sleep, {0: (0.4,), 1: (0.0,), 2: (0.1,)}, workers=2, progress=finished.append
    ):
        out.append((key, value, len(finished)))
    assert [(k, v) for k, v, _ in out] == [(0, 0.4), (1, 0.0), (2, 0.1)]
    assert out[0][2] >= 2  # task 1 had finished (and was held) when task 0 came out


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_task_is_a_result_and_the_others_finish(workers):
    with Executor(workers) as executor:
        done = {f.key: f for f in executor.as_completed(_fail_on, {v: (2, v) for v in range(4)})}
    assert sorted(done) == [0, 1, 2, 3]
    assert isinstance(done[2].error, ValueError)
    assert "failed on purpose" in str(done[2].error)
    assert done[2].value is None
    assert {k: f.value for k, f in done.items() if k != 2} == {0: 0, 1: 10, 3: 30}
    assert all(f.error is None for k, f in done.items() if k != 2)


def test_the_first_failure_is_raised_without_waiting_for_the_others():
    """Task 0 fails at once; waiting for the others would take a minute and a half."""
    started = time.monotonic()
    with pytest.raises(ValueError, match="task 0 failed"):
        run_tasks(_fail_or_sleep, {v: (0, v) for v in range(4)}, workers=2)
    assert time.monotonic() - started < PROMPT_S


def _fail_or_sleep(bad: int, value: int) -> int:
    if value == bad:
        raise ValueError(f"task {value} failed on purpose")
    time.sleep(30)
    return value


def test_default_workers_is_one_per_core_at_most_one_per_task():
    assert default_workers(3, 2) == 2
    assert default_workers(1, 8) == 1
    assert default_workers(0) == 1
    assert 1 <= default_workers(1000) <= (psutil.cpu_count() or 1)


def test_a_dask_client_gives_the_local_values():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
        Executor(client=client) as executor,
    ):
        done = {f.key: f.value for f in executor.as_completed(_draws, TASKS)}
    assert {k: done[k] for k in TASKS} == run_tasks(_draws, TASKS, workers=1)


@pytest.mark.slow
def test_a_comparison_does_not_depend_on_the_number_of_workers(tmp_path):
    """Scenario x replication tasks finish in any order over two processes; each scenario still
    gets its own replications, in order, with the numbers of a serial run."""
    data = yaml.safe_load((ROOT / "scenarios" / "minimal.yaml").read_text(encoding="utf-8"))
    data["horizon"]["days"] = 1
    files = []
    for headcount in (86, 90):
        data["agents"]["headcount"] = headcount
        files.append(tmp_path / f"minimal_{headcount}.yaml")
        files[-1].write_text(yaml.safe_dump(data), encoding="utf-8")
    scenarios = [load_scenario(f) for f in files]
    serial = compare(scenarios, replications=3, workers=1)
    processes = compare(scenarios, replications=3, workers=2)
    assert serial.to_json() == processes.to_json()
    pd.testing.assert_frame_equal(serial.tidy(), processes.tidy())
    for one, two in zip(serial.results, processes.results, strict=True):
        assert one.contacts is None  # a comparison reads KPIs and intervals only
        pd.testing.assert_frame_equal(one.intervals, two.intervals)
        pd.testing.assert_frame_equal(one.agents, two.agents)
