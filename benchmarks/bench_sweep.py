"""Sweep throughput: a 40-point sweep with 1 and with 2 local workers (issue 5).

Each point is the minimal scenario of spec A1 (1000 issues/h, Erlang A) over ``--days`` days and
``--replications`` replications, with a headcount from 81 upwards: at least 5 s of simulation per
point by default, so that process start-up and scheduling are a small part of the time, as in a
real sweep. Prints points per minute for each worker count and the speed-up (target: >= 1.8x on
2 cores). The results of every worker count must be identical; the script checks that too.

    python3 benchmarks/bench_sweep.py                  # 40 points, 1 and 2 workers
    python3 benchmarks/bench_sweep.py --points 8 --days 1 --replications 2   # a quick look
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

from simulator.studies.sweep import PointTask, load_experiment, load_sweep, run_point, run_sweep

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "minimal.yaml"
"""Spec A1, read from the library file like bench_engine.py, so both benchmark the same model."""


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=40)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--replications", type=int, default=14)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat, alternating worker counts; keep the best"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        folder = Path(tmp)
        base = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
        base["horizon"]["days"] = args.days
        (folder / "base.yaml").write_text(yaml.safe_dump(base), encoding="utf-8")
        experiment = {
            "name": "bench-sweep",
            "base": "base.yaml",
            "replications": args.replications,
            "seed": 7,
            "parameters": {"agents.headcount": {"from": 81, "to": 81 + args.points - 1, "step": 1}},
        }
        path = folder / "experiment.yaml"
        path.write_text(yaml.safe_dump(experiment), encoding="utf-8")
        exp = load_experiment(path)

        # Compile numba samplers (cached on disk) and time one point, outside the measurements.
        first = exp.points[0]
        run_point(PointTask(first.id, first.scenario, 1, exp.seed))
        started = time.perf_counter()
        run_point(PointTask(first.id, first.scenario, exp.replications, exp.seed))
        one_point = time.perf_counter() - started

        print(
            f"{len(exp.points)} points x {exp.replications} replications of {args.days} day(s) "
            f"at 1000 issues/h; one point takes {one_point:.1f} s; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start"
        )
        if one_point < 5:
            print("note: points under 5 s: raise --days or --replications for the issue's setup")
        walls: dict[int, float] = {}
        cpus: dict[int, float] = {}
        results: dict[int, pd.DataFrame] = {}
        for round_ in range(args.rounds):
            for workers in args.workers:
                out = folder / f"out-{workers}-{round_}"
                load = os.getloadavg()[0]
                cpu, started = _cpu_seconds(), time.perf_counter()
                outcome = run_sweep(exp, out, workers=workers, progress=False)
                wall = time.perf_counter() - started
                cpu = _cpu_seconds() - cpu
                busy = cpu / wall
                assert not outcome.failed, outcome.failed
                results[workers] = load_sweep(outcome.out)
                walls[workers] = min(wall, walls.get(workers, math.inf))
                cpus[workers] = min(cpu, cpus.get(workers, math.inf))
                # Cores busy below the worker count, or a high load average, mean that other
                # programs competed for the cores: then the speed-up says little.
                print(
                    f"workers={workers}: {wall:7.1f} s wall, "
                    f"{60 * len(exp.points) / wall:6.1f} points/min, {busy:.2f} cores busy, "
                    f"load average {load:.2f} -> {os.getloadavg()[0]:.2f}"
                )
        if args.rounds > 1:
            for workers, wall in walls.items():
                print(
                    f"best of {args.rounds}, workers={workers}: {wall:7.1f} s wall, "
                    f"{60 * len(exp.points) / wall:6.1f} points/min"
                )
        reference = results[args.workers[0]]
        for frame in results.values():
            pd.testing.assert_frame_equal(frame, reference)
        if 1 in walls:
            for workers, wall in walls.items():
                if workers != 1:
                    print(f"speed-up with {workers} workers: {walls[1] / wall:.2f}x")
                    # What the speed-up would be on otherwise idle cores: the work grows only by
                    # the parallel overhead (CPU seconds), the rest is other programs' load.
                    idle = workers * cpus[1] / cpus[workers]
                    print(
                        f"  CPU seconds {cpus[1]:.0f} (1 worker) vs {cpus[workers]:.0f} "
                        f"({workers} workers): {idle:.2f}x expected on {workers} idle cores"
                    )
        print("results identical for every worker count")


if __name__ == "__main__":
    main()
