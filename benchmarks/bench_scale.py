"""Time and peak memory of whole `ccsim run` processes as the horizon grows: do both grow linearly?

Two models: the spec A1 model (scenarios/minimal.yaml: 1000 calls/h, AHT 300 s, 90 agents,
patience 120 s) and a large center (5,000 calls/h, AHT 300 s exponential, 440 agents, patience
exponential 120 s: 417 Erlang on 440 agents, about 99% answered within 20 s), each for 1, 7 and
28 days, as a user runs them:

    ccsim run FILE --replications 1 --workers 1 --json

Each case is its own process, so its peak resident memory (``ru_maxrss`` of that child, from
``os.wait4``) includes Python, the imports and numba: the *marginal* bytes per contact, (peak RSS
of the longer run - peak RSS of the 1-day run) / the extra contacts, is what a contact costs
(issue 12: at most 300 bytes on the large center). Contacts are the run's ``contacts`` KPI (those
arriving after the 1-hour warm-up; the warm-up's are simulated too, the same in every case, so
they cancel in the marginal figure). Growth is linear when the marginal bytes and the seconds per
contact stay flat from 7 to 28 days.

    python benchmarks/bench_scale.py [--days 1 7 28] [--models a1 large] [--repeat N]

With ``--repeat N`` each case runs N times, cases interleaved, and the table shows medians. The
28-day large center is about 3.4 million contacts: a minute or so and under 1 GB.
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
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
MINIMAL = REPO / "scenarios" / "minimal.yaml"
LARGE = {"name": "large_center", "arrivals": {"per_hour": 5000}, "agents": {"headcount": 440}}


@dataclass
class Case:
    """One model and horizon, with the measurements of its runs."""

    model: str
    days: int
    contacts: int = 0
    service_level: float = float("nan")
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mb(self) -> float:
        return statistics.median(self.peak_kb) / 1024

    @property
    def rate(self) -> float:
        return self.contacts / self.wall_s


def scenario_file(model: str, days: int, folder: Path) -> Path:
    """scenarios/minimal.yaml with ``days`` days (and the large center's numbers for ``large``)."""
    spec = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    spec["horizon"]["days"] = days
    if model == "large":
        for key, value in LARGE.items():
            spec[key] = {**spec[key], **value} if isinstance(value, dict) else value
    path = folder / f"{model}_{days}d.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def ccsim() -> list[str]:
    """The ``ccsim`` of this Python's environment (falls back to ``python -m simulator.cli``)."""
    exe = Path(sys.executable).with_name("ccsim")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("ccsim")
    return [found] if found else [sys.executable, "-m", "simulator.cli"]


def measure(case: Case, path: Path, out: Path) -> None:
    """Run ``ccsim run`` on ``path`` once as a child process; add its wall time and peak RSS."""
    command = [*ccsim(), "run", str(path), "--replications", "1", "--workers", "1", "--json"]
    errors = out.with_suffix(".err")
    with out.open("wb") as stdout, errors.open("wb") as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr)
        # wait4, not wait: the rusage of this child alone (RUSAGE_CHILDREN is a max over all)
        _, status, usage = os.wait4(child.pid, 0)
        case.seconds.append(time.perf_counter() - started)
    child.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed ({code}):\n{errors.read_text()}")
    case.peak_kb.append(usage.ru_maxrss)  # kilobytes on Linux
    kpis = json.loads(out.read_text(encoding="utf-8"))["kpis"]
    case.contacts = int(kpis["contacts"])
    case.service_level = kpis["service_level"]


def marginal(case: Case, base: Case) -> float:
    """Bytes of peak RSS per contact beyond ``base`` (the same model's shortest run)."""
    extra = case.contacts - base.contacts
    return (case.peak_mb - base.peak_mb) * 2**20 / extra if extra > 0 else float("nan")


def report(cases: list[Case]) -> None:
    """The table: per model and horizon, and the marginal cost of each step up in horizon."""
    print(
        f"{'model':8s} {'days':>4s} {'contacts':>10s} {'SL':>6s} {'wall s':>7s} "
        f"{'contacts/s':>11s} {'peak MB':>8s} {'B/contact':>10s} {'step B/c':>9s} {'step s/Mc':>9s}"
    )
    for model in dict.fromkeys(c.model for c in cases):
        runs = sorted((c for c in cases if c.model == model), key=lambda c: c.days)
        base, previous = runs[0], None
        for c in runs:
            per_contact = step_bytes = step_time = ""
            if previous is not None:
                per_contact = f"{marginal(c, base):10.0f}"
                step_bytes = f"{marginal(c, previous):9.0f}"
                extra = c.contacts - previous.contacts
                step_time = f"{(c.wall_s - previous.wall_s) / extra * 1e6:9.2f}"
            print(
                f"{model:8s} {c.days:4d} {c.contacts:10,d} {c.service_level:6.1%} {c.wall_s:7.2f} "
                f"{c.rate:11,.0f} {c.peak_mb:8.0f} {per_contact:>10s} {step_bytes:>9s} "
                f"{step_time:>9s}"
            )
            previous = c
    print(
        "B/contact: (peak RSS - peak RSS of the 1-day run) / extra contacts (issue 12: <= 300). "
        "step: the same from the previous row; flat step B/c and s per million contacts = linear."
    )


def main() -> None:
    """Run every case (interleaved when repeated) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, nargs="+", default=[1, 7, 28])
    parser.add_argument("--models", nargs="+", choices=("a1", "large"), default=["a1", "large"])
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (medians)")
    args = parser.parse_args()
    cases = [Case(model, days) for model in args.models for days in sorted(args.days)]
    with tempfile.TemporaryDirectory(prefix="ccsim-scale-") as tmp:
        folder = Path(tmp)
        files = [scenario_file(c.model, c.days, folder) for c in cases]
        for i in range(args.repeat):
            for case, path in zip(cases, files, strict=True):
                measure(case, path, folder / "out.json")
                print(
                    f"run {i + 1}/{args.repeat} {case.model} {case.days:2d} d: "
                    f"{case.seconds[-1]:6.2f} s, {case.peak_kb[-1] / 1024:6.0f} MB",
                    file=sys.stderr,
                    flush=True,
                )
    report(cases)


if __name__ == "__main__":
    main()
