"""Contacts simulated per second: ccsim's engine against textbook SimPy and Ciw, in one run.

Speed claims are only comparable on the same machine, in the same run, on the same model, so this
script runs the spec A1 model (Erlang A: 1000 calls/h, AHT 300 s, 90 agents, patience 120 s, FIFO,
warm-up 60 min) with all three and prints their KPIs next to the Erlang A closed form: a reader can
see that they simulate the same thing before comparing their speed.

Contacts per second (spec C) = offered contacts of the whole run, warm-up included, / wall time of
the simulation with its records built; numba compilation is excluded (ccsim's first call, which
compiles, is reported on its own), as is the KPI computation, for every model alike.

    python benchmarks/bench_engine.py [--repeat N] [--days D]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ciw
import numpy as np
import simpy
from reference_models import (
    A1,
    ContactRecords,
    contact_kpis,
    erlang_a,
    simulate_ciw,
    simulate_textbook_simpy,
)

REPO = Path(__file__).resolve().parent.parent
SCENARIO = REPO / "scenarios" / "minimal.yaml"
SEED = 7
WARMUP_S = 3600.0
KPI_KEYS = ("service_level", "abandon_rate", "asa_s", "occupancy")


@dataclass
class Measurement:
    """One model's timings; ``first_s`` is set only when the first call compiles (ccsim)."""

    name: str
    contacts: int
    seconds: list[float]
    kpis: dict[str, float]
    first_s: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def best_s(self) -> float:
        return min(self.seconds)

    @property
    def rate(self) -> float:
        return self.contacts / self.best_s


# --- ccsim ----------------------------------------------------------------------------------------


def _ccsim_scenario(days: int):
    """Spec A1 from scenarios/minimal.yaml, with ``days`` days, so the engine sees the real file."""
    import simulator

    if days == 1:
        return simulator.load_scenario(str(SCENARIO))
    import yaml

    from simulator.scenario.loading import load_scenario_dict

    data = yaml.safe_load(SCENARIO.read_text())
    data.setdefault("horizon", {})["days"] = days
    return load_scenario_dict(data, str(SCENARIO), SCENARIO.parent)


def _ccsim_contacts(records, scenario) -> int:
    """Offered phone contacts of the whole run, warm-up included (counted outside the timing)."""
    from simulator.results.frames import contacts_frame

    frame = contacts_frame(records, [reason.name for reason in scenario.reasons])
    if "channel" in frame.columns:
        frame = frame[frame["channel"] == "phone"]
    return len(frame)


def run_ccsim(days: int, repeat: int = 3) -> tuple[int, list[float], dict[str, float]]:
    """Time ccsim's engine: returns (contacts, seconds, kpis).

    ``seconds[0]`` is the first call, numba compilation included; ``seconds[1:]`` are the timed
    repeats. Raises ImportError while the engine does not exist yet.
    """
    from simulator.engine.center import simulate

    scenario = _ccsim_scenario(days)
    seconds = []
    for _ in range(1 + repeat):
        t0 = time.perf_counter()
        records = simulate(scenario, replication=0, seed=SEED)
        seconds.append(time.perf_counter() - t0)
    contacts = _ccsim_contacts(records, scenario)
    try:
        from simulator.results.kpis import replication_kpis

        kpis = replication_kpis(records, scenario)
    except ImportError:
        kpis = {}
    return contacts, seconds, kpis


# --- reference models -----------------------------------------------------------------------------


def measure_reference(
    name: str, simulate: Callable[..., ContactRecords], days: int, repeat: int
) -> Measurement:
    """Best of ``repeat`` runs, same seed each time so every repeat does the same work."""
    horizon_s = days * 86_400.0
    seconds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        rec = simulate(horizon_s=horizon_s, seed=SEED, **A1)
        seconds.append(time.perf_counter() - t0)
    kpis = contact_kpis(rec, A1["agents"], horizon_s, WARMUP_S)
    return Measurement(name, rec.contacts, seconds, kpis)


# --- end-to-end command ---------------------------------------------------------------------------


def measure_cli(repeat: int) -> None:
    """``ccsim run`` of 7 days as a user starts it, against textbook SimPy: see bench_cli.py."""
    import bench_cli

    bench_cli.end_to_end(bench_cli.ccsim_command(), days=7, repeat=repeat)


# --- report ---------------------------------------------------------------------------------------


def _fmt_kpis(kpis: dict[str, float]) -> str:
    def get(key: str) -> float:
        value = kpis.get(key)
        return math.nan if value is None else float(value)

    return (
        f"{get('service_level'):8.4f} {get('abandon_rate'):8.4f} "
        f"{get('asa_s'):7.2f} {get('occupancy'):7.4f}"
    )


def print_table(rows: list[Measurement]) -> None:
    """Speed and KPIs side by side; ratios are against the two references of this same run."""
    simpy_rate = next(r.rate for r in rows if r.name == "textbook SimPy")
    ciw_rate = next(r.rate for r in rows if r.name == "Ciw")
    head = (
        f"{'model':16s} {'contacts':>9s} {'best s':>8s} {'contacts/s':>11s} "
        f"{'x SimPy':>8s} {'x Ciw':>7s} | {'SL':>8s} {'abandon':>8s} {'ASA s':>7s} {'occ':>7s}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r.name:16s} {r.contacts:9,d} {r.best_s:8.3f} {r.rate:11,.0f} "
            f"{r.rate / simpy_rate:8.2f} {r.rate / ciw_rate:7.2f} | {_fmt_kpis(r.kpis)}"
        )
    exact = erlang_a(A1["arrival_rate_per_s"], A1["aht_s"], A1["agents"], A1["mean_patience_s"])
    print(f"{'Erlang A (exact)':16s} {'':9s} {'':8s} {'':11s} {'':8s} {'':7s} | {_fmt_kpis(exact)}")
    print(
        f"\nKPIs count contacts arriving after the {WARMUP_S / 60:.0f}-min warm-up."
        " One simulated day is noisy: across seeds the s.d. of one day is about 0.009 for SL,"
        " 0.0027 for the abandon rate, 0.3 s for ASA and 0.005 for occupancy"
        " (divide by sqrt(days) for longer runs)."
    )
    for r in rows:
        if r.first_s is not None:
            print(f"{r.name}: first call incl. numba compile {r.first_s:.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per model (best is kept)")
    parser.add_argument("--days", type=int, default=1, help="simulated days (spec A1: 1)")
    parser.add_argument("--no-cli", action="store_true", help="skip the end-to-end `ccsim run`")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.days < 1:
        parser.error("--repeat and --days must be >= 1")

    print(
        f"spec A1 (Erlang A), {args.days} day(s), seed {SEED}, best of {args.repeat}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, simpy {simpy.__version__}, "
        f"ciw {ciw.__version__}, {os.cpu_count()} CPU(s) {platform.machine()}"
    )
    rows: list[Measurement] = []
    sys.path.insert(0, str(REPO))
    try:
        contacts, seconds, kpis = run_ccsim(args.days, args.repeat)
        rows.append(Measurement("ccsim", contacts, seconds[1:], kpis, first_s=seconds[0]))
    except (ImportError, FileNotFoundError) as exc:
        print(f"ccsim engine not available yet ({type(exc).__name__}: {exc})")
    rows.append(
        measure_reference("textbook SimPy", simulate_textbook_simpy, args.days, args.repeat)
    )
    rows.append(measure_reference("Ciw", simulate_ciw, args.days, args.repeat))
    print()
    print_table(rows)
    if not args.no_cli:
        measure_cli(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
