"""What a user waits for: start-up, and ``ccsim run`` end to end against textbook SimPy.

Whole processes, started as a user starts them (issue 12's measuring rules):

- start-up: ``ccsim --help`` and ``ccsim validate scenarios/minimal.yaml``, median wall time of
  ``--repeat`` runs (target: under 0.5 s);
- end to end: ``ccsim run FILE --replications 1 --workers 1 --json`` of the spec A1 model over
  ``--days`` days (default 7: 168,000 contacts), alternating with the textbook SimPy model of
  the same system run as a whole process (``python benchmarks/reference_models.py --days D``).
  Contacts per second = offered contacts after the warm-up (the ``offered`` KPI both print) /
  wall time; the ratio is of the two medians (target: at least 2);
- cold start: the first ``ccsim run`` ever, with an empty numba cache (a fresh
  ``NUMBA_CACHE_DIR``), reported apart from the warm runs, which share that cache.

Only ratios measured in one run compare: this machine's speed drifts over a day.

    python benchmarks/bench_cli.py [--repeat N] [--days D]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SCENARIO = REPO / "scenarios" / "minimal.yaml"
REFERENCE = Path(__file__).resolve().parent / "reference_models.py"
START_UP_TARGET_S = 0.5
END_TO_END_TARGET = 2.0


def ccsim_command() -> list[str]:
    """The console script beside this Python (the one a user types), else ``python -m``."""
    script = Path(sys.executable).parent / "ccsim"
    if script.exists():
        return [str(script)]
    found = shutil.which("ccsim")
    return [found] if found else [sys.executable, "-m", "simulator.cli"]


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall time of one whole process and its stdout; a failure stops the benchmark."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {proc.returncode}\n{proc.stderr}")
    return wall, proc.stdout


def start_up(ccsim: list[str], repeat: int) -> None:
    """Median wall time of the commands that should feel instant."""
    print(f"Start-up, whole process, median of {repeat} (target < {START_UP_TARGET_S} s):")
    validate = [*ccsim, "validate", str(SCENARIO.relative_to(REPO))]
    for label, cmd in (("ccsim --help", [*ccsim, "--help"]), ("ccsim validate", validate)):
        walls = sorted(timed(cmd)[0] for _ in range(repeat))
        median = statistics.median(walls)
        verdict = "met" if median < START_UP_TARGET_S else "NOT met"
        spread = f"(best {walls[0]:.3f}, worst {walls[-1]:.3f})"
        print(f"  {label:16s} {median:6.3f} s  {spread}  {verdict}")


def scenario_file(days: int, folder: Path) -> Path:
    """scenarios/minimal.yaml (spec A1) with ``days`` days."""
    data = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    data["horizon"]["days"] = days
    path = folder / f"a1-{days}d.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def end_to_end(ccsim: list[str], days: int, repeat: int) -> None:
    """``ccsim run`` against the textbook SimPy process, alternating; a cold start first."""
    with tempfile.TemporaryDirectory(prefix="ccsim-bench-") as tmp:
        folder = Path(tmp)
        run = [*ccsim, "run", str(scenario_file(days, folder))]
        run += ["--replications", "1", "--workers", "1", "--json"]
        reference = [sys.executable, str(REFERENCE), "--model", "simpy", "--days", str(days)]
        # Every ccsim run uses this cache: empty for the first, warm after it.
        env = {**os.environ, "NUMBA_CACHE_DIR": str(folder / "numba")}
        cold_s, _ = timed(run, env)
        commands = {"ccsim run": (run, env), "textbook SimPy": (reference, None)}
        rows: dict[str, list[tuple[float, dict]]] = {name: [] for name in commands}
        for _ in range(repeat):
            for name, (cmd, cmd_env) in commands.items():
                wall, out = timed(cmd, cmd_env)
                rows[name].append((wall, json.loads(out)["kpis"]))
    print(
        f"\nEnd to end, spec A1 over {days} day(s), whole processes, alternating, median of"
        f" {repeat}:\n  {' '.join(Path(c).name for c in run[:2])} FILE {' '.join(run[3:])}"
        f"\n  python benchmarks/reference_models.py --model simpy --days {days}"
    )
    head = f"  {'model':16s} {'offered':>9s} {'median s':>9s} {'contacts/s':>11s} {'ratio':>6s}"
    print(f"{head} | {'SL':>7s} {'abandon':>8s} {'ASA s':>6s}")
    walls = {name: statistics.median(w for w, _ in runs) for name, runs in rows.items()}
    kpis = {name: runs[-1][1] for name, runs in rows.items()}  # every run has the same seed
    rates = {name: kpis[name]["offered"] / walls[name] for name in rows}
    for name in rows:
        k = kpis[name]
        print(
            f"  {name:16s} {k['offered']:9,.0f} {walls[name]:9.2f} {rates[name]:11,.0f}"
            f" {rates[name] / rates['textbook SimPy']:6.2f} | {k['service_level']:7.4f}"
            f" {k['abandon_rate']:8.4f} {k['asa_s']:6.2f}"
        )
    ratio = rates["ccsim run"] / rates["textbook SimPy"]
    verdict = "met" if ratio >= END_TO_END_TARGET else "NOT met"
    print(f"  ccsim / textbook SimPy: {ratio:.2f}x (target >= {END_TO_END_TARGET:.0f}x: {verdict})")
    print(
        f"Cold start (the first run, empty numba cache): {cold_s:.2f} s;"
        f" warm cache: {walls['ccsim run']:.2f} s (median)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median kept)")
    parser.add_argument("--days", type=int, default=7, help="simulated days of the end-to-end run")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.days < 1:
        parser.error("--repeat and --days must be >= 1")
    ccsim = ccsim_command()
    start_up(ccsim, args.repeat)
    end_to_end(ccsim, args.days, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
