"""Shift scheduling against a peer: ccsim and pyworkforce's MinRequiredResources (issue 15).

The same requirement (``ccsim staff``'s agents per interval of a library scenario, Erlang A by
default) goes through both with the same shift set: every start on the half hour at which a shift
of 4, 6 or 8 hours ends by midnight (pyworkforce's shifts lie within a day), each day its own
number of agents, no breaks (pyworkforce has none). pyworkforce's cost of a shift is its length in
intervals, so it minimises paid hours too (its costs must be whole numbers). Prints paid hours,
short intervals and time side by side, and exits 1 unless ccsim needs no more paid hours than
pyworkforce with no short interval.

    python3 benchmarks/bench_planning.py                              # low_fcr_center, 7 days
    python3 benchmarks/bench_planning.py scenarios/invoice_phase1.yaml --method erlang-c
    python3 benchmarks/bench_planning.py --lengths 8.5 4.5            # another shift set

Needs pyworkforce (``pip install -e .[test]``).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

from simulator.scenario.loading import load_scenario, load_scenario_dict
from simulator.scenario.models import Schedule, ShiftType
from simulator.studies import schedule as sched

LIBRARY = Path(__file__).resolve().parent.parent / "scenarios"


def shift_set(lengths_h: list[float], interval_minutes: int) -> list[tuple[int, int]]:
    """``(start interval, length in intervals)`` of every shift that ends by midnight."""
    per_day = 24 * 60 // interval_minutes
    out = []
    for length_h in lengths_h:
        n = round(length_h * 60 / interval_minutes)
        out += [(start, n) for start in range(per_day - n + 1)]
    return out


def _clock(hours: float) -> str:
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def run_pyworkforce(
    need: np.ndarray, shifts: list[tuple[int, int]], per_day: int, time_limit: float
) -> tuple[np.ndarray, str, float]:
    """Agents per (day, shift) from MinRequiredResources, its status, and the seconds it took."""
    from pyworkforce.scheduling import MinRequiredResources

    coverage = {}
    for start, n in shifts:
        row = [0] * per_day
        row[start : start + n] = [1] * n
        coverage[f"s{start}_{n}"] = row
    days = need.reshape(-1, per_day)
    model = MinRequiredResources(
        num_days=len(days),
        periods=per_day,
        shifts_coverage=coverage,
        required_resources=days.astype(int).tolist(),
        max_period_concurrency=int(days.max() * len(shifts)) + 1,
        max_shift_concurrency=int(days.max()) + 1,
        cost_dict={name: sum(row) for name, row in coverage.items()},  # intervals paid
        max_search_time=time_limit,
        num_search_workers=1,
    )
    began = time.perf_counter()
    solution = model.solve()
    took = time.perf_counter() - began
    agents = np.zeros((len(days), len(shifts)))
    names = list(coverage)
    for row in solution["resources_shifts"]:
        if row["day"] >= 0:
            agents[row["day"], names.index(row["shift"])] = row["resources"]
    return agents, solution["status"], took


def pyworkforce_cover(
    agents: np.ndarray, shifts: list[tuple[int, int]], per_day: int
) -> np.ndarray:
    """Agents on duty per interval of the horizon of pyworkforce's solution."""
    cover = np.zeros((len(agents), per_day))
    for k, (start, n) in enumerate(shifts):
        cover[:, start : start + n] += agents[:, [k]]
    return cover.ravel()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", default=str(LIBRARY / "low_fcr_center.yaml"))
    parser.add_argument("--method", default="erlang-a", choices=["erlang-c", "erlang-a"])
    parser.add_argument("--lengths", type=float, nargs="+", default=[4.0, 6.0, 8.0])
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per solver")
    args = parser.parse_args()

    scenario = load_scenario(args.scenario)
    h = scenario.horizon
    if scenario.agents.groups is not None:
        sys.exit(f"{scenario.name}: one pool only (pyworkforce schedules one)")
    data = scenario.to_yaml_dict()
    data["agents"].pop("breaks", None)  # pyworkforce knows no breaks: compare like with like
    plain = load_scenario_dict(data, source=args.scenario, base_dir=Path(args.scenario).parent)
    began = time.perf_counter()
    need = sched.requirement(plain, args.method)
    print(f"requirement ({args.method}) of {scenario.name}: {time.perf_counter() - began:.1f} s")
    req = need.groups["agents"]
    per_day = h.intervals_per_day
    shifts = shift_set(args.lengths, h.interval_minutes)
    dates = [h.origin.date() + timedelta(days=d) for d in range(h.days)]
    plan = Schedule(
        shift_types=[
            ShiftType(
                name=f"{length:g} h",
                dates=dates,
                starts=[f"00:00-{_clock(24 - length)}/{h.interval_minutes}"],
                lengths_h=[length],
            )
            for length in args.lengths
        ]
    )
    began = time.perf_counter()
    ours = sched.schedule(plain, need, plan, time_limit_s=args.time_limit)
    ours_s = time.perf_counter() - began
    agents, status, theirs_s = run_pyworkforce(req, shifts, per_day, args.time_limit)
    cover = pyworkforce_cover(agents, shifts, per_day)
    theirs_paid = float(sum(agents[:, k].sum() * n for k, (_, n) in enumerate(shifts)))
    theirs_paid *= h.interval_minutes / 60
    theirs_short = int((cover < req - 1e-9).sum())
    print(
        f"{len(shifts)} shifts a day ({', '.join(f'{x:g} h' for x in args.lengths)}), "
        f"{h.days} days, {int((req > 0).sum())} intervals with a requirement, "
        f"{ours.required_hours:,.1f} required agent hours"
    )
    print(f"{'':22}{'paid hours':>12}{'short':>8}{'seconds':>10}  status")
    print(
        f"{'ccsim (HiGHS)':22}{ours.paid_hours:>12,.1f}{ours.short_intervals:>8}{ours_s:>10.2f}"
        f"  {'optimal' if ours.optimal else 'time limit'}"
    )
    name = "pyworkforce (CP-SAT)"
    print(f"{name:22}{theirs_paid:>12,.1f}{theirs_short:>8}{theirs_s:>10.2f}  {status}")
    ok = ours.short_intervals == 0 and ours.paid_hours <= theirs_paid + 1e-6
    print("ccsim needs no more paid hours, no short interval: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
