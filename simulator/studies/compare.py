"""``ccsim compare``: scenarios run with common random numbers and their paired differences.

Replication r of every scenario uses the same seed and the same named random streams, so the
same customers arrive with the same handle times and patience wherever the scenarios share their
structure. The difference of a KPI is therefore taken per replication (scenario i minus the
first) and its 95% CI is the t interval over those differences: much narrower than comparing
two independent means, which is the point of common random numbers.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.errors import CcsimError
from simulator.results.catalogue import KPI_KEYS
from simulator.results.statistics import paired_difference, summarise
from simulator.runs.executor import run_tasks
from simulator.runs.output import staging_folder
from simulator.runs.replications import RunResult, collect, run_replication
from simulator.scenario.models import Scenario

COMPARE_CSV = "compare.csv"
DIFF_CSV = "diff.csv"
COMPARE_PNG = "compare.png"
BY_REASON_CSV = "by_reason.csv"
BY_GROUP_CSV = "by_group.csv"

PAIRING_NOTE = (
    "Differences are paired per replication (same seed, common random numbers); pairing removes "
    "noise only where the scenarios share their structure (horizon, reasons, third parties)."
)


class CompareError(CcsimError):
    """A comparison that cannot be made as asked (too few scenarios, unusable --out)."""


def _finite(v: Any) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def run_paired(
    scenarios: Sequence[Scenario],
    *,
    replications: int,
    seed: int,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    keep_contacts: bool = True,
) -> list[RunResult]:
    """Run every scenario with the same seed and replication numbers (common random numbers).

    All scenario x replication tasks go to one executor, so two cores stay busy even when each
    scenario has fewer replications than there are workers. ``keep_contacts=False`` for a study
    that reads only KPIs and intervals (see :func:`~simulator.runs.replications.run`).
    """
    tasks = {
        (i, r): (sc, r, seed, keep_contacts)
        for i, sc in enumerate(scenarios)
        for r in range(replications)
    }
    done = run_tasks(run_replication, tasks, workers=workers, progress=progress)
    return [
        collect(sc, seed, [done[i, r] for r in range(replications)])
        for i, sc in enumerate(scenarios)
    ]


def structure_notes(scenarios: Sequence[Scenario], seed: int) -> list[str]:
    """Where the scenarios differ in ways that weaken pairing, said in words (never refused)."""
    notes = [PAIRING_NOTE]
    first = scenarios[0]

    def horizon(sc: Scenario) -> tuple:
        h = sc.horizon
        return (h.days, h.warmup_minutes, h.interval_minutes, h.start)

    for sc in scenarios[1:]:
        if horizon(sc) != horizon(first):
            notes.append(
                f"{sc.name!r} has a different horizon than {first.name!r}: it still runs with "
                f"seed {seed}, but its replications line up only partly with the first."
            )
        if [r.name for r in sc.reasons] != [r.name for r in first.reasons]:
            notes.append(
                f"{sc.name!r} has other reasons than {first.name!r}: their customers draw from "
                "other streams, so pairing helps less."
            )
    priced = [sc.costs is not None for sc in scenarios]
    if any(priced) and not all(priced):
        unpriced = ", ".join(
            repr(sc.name) for sc, p in zip(scenarios, priced, strict=True) if not p
        )
        notes.append(
            f"{unpriced} has no costs block: costs are compared only when every scenario has one."
        )
    seeds = sorted({sc.seed for sc in scenarios})
    if seeds != [seed]:
        notes.append(
            f"The files give seed(s) {', '.join(map(str, seeds))}; every scenario ran with seed "
            f"{seed} so that the replications are paired."
        )
    return notes


Breakdowns = Sequence[Mapping[str, Mapping[str, float]]]
"""One scenario's ``by_reason`` (or ``by_group``) per replication, in replication order."""


def _common_keys(runs: Sequence[Breakdowns]) -> list[str]:
    """The KPIs every scenario's breakdown has, in the first one's order.

    ``cost`` is only there when every scenario has prices, as for the run's cost KPIs.
    """
    key_lists = [list(next(iter(reps[0].values()))) for reps in runs if reps and reps[0]]
    if not key_lists:
        return []
    return [k for k in key_lists[0] if all(k in keys for keys in key_lists[1:])]


def paired_breakdowns(runs: Sequence[Breakdowns]) -> dict[str, dict[str, Any]]:
    """Per reason (or group) the comparison itself, restricted to it (spec D1 in compare).

    ``runs[i]`` is scenario i's breakdown per replication. For each name any scenario has (the
    first scenario's names first) the result has the shape of the comparison's own object:
    ``{"kpis": {k: [mean per scenario]}, "ci95": {k: [half-width per scenario]},
    "diff": {k: [{"mean", "ci95"} per scenario after the first]}}``, the difference paired over
    the replications (scenario i minus the first, replication by replication). ``None`` where a
    scenario lacks the name or the value is undefined in every replication.
    """
    keys = _common_keys(runs)
    names = list(dict.fromkeys(name for reps in runs if reps for name in reps[0]))
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        series = [
            {
                k: np.array([r[name][k] if name in r else math.nan for r in reps], dtype=float)
                for k in keys
            }
            if reps and name in reps[0]
            else None
            for reps in runs
        ]
        own = [{k: summarise(s[k]) for k in keys} if s is not None else None for s in series]
        base = series[0]
        diff: dict[str, list[dict[str, float | None]]] = {k: [] for k in keys}
        for other in series[1:]:
            for k in keys:
                pair = base is not None and other is not None
                d = paired_difference(base[k], other[k]) if pair else (None, None)
                diff[k].append({"mean": _finite(d[0]), "ci95": _finite(d[1])})
        out[name] = {
            "kpis": {k: [None if o is None else _finite(o[k].mean) for o in own] for k in keys},
            "ci95": {k: [None if o is None else _finite(o[k].ci95) for o in own] for k in keys},
            "diff": diff,
        }
    return out


def breakdown_frame(labels: Sequence[str], runs: Sequence[Breakdowns], what: str) -> pd.DataFrame:
    """One row per scenario x replication x reason (``what``: ``reason`` or ``group``).

    The columns are ``scenario``, ``replication``, ``what`` and the KPIs every scenario has: the
    folder's by_reason.csv and by_group.csv, read back by :func:`breakdowns_from_frame`.
    """
    keys = _common_keys(runs)
    rows = [
        {"scenario": label, "replication": rep, what: name, **{k: values[k] for k in keys}}
        for label, reps in zip(labels, runs, strict=True)
        for rep, breakdown in enumerate(reps)
        for name, values in breakdown.items()
    ]
    return pd.DataFrame(rows, columns=["scenario", "replication", what, *keys])


def breakdowns_from_frame(
    frame: pd.DataFrame, labels: Sequence[str], what: str
) -> list[list[dict[str, dict[str, float]]]]:
    """The per-replication breakdowns of each scenario in ``labels`` back from a frame.

    The inverse of :func:`breakdown_frame` (a reason a scenario lacks in a replication is left
    out of that replication; an empty cell is NaN).
    """
    keys = [c for c in frame.columns if c not in ("scenario", "replication", what)]
    runs: list[list[dict[str, dict[str, float]]]] = []
    for label in labels:
        rows = frame.loc[frame["scenario"].astype(str) == label]
        reps: list[dict[str, dict[str, float]]] = []
        for _, block in rows.groupby("replication", sort=True):
            reps.append(
                {str(row[what]): {k: float(row[k]) for k in keys} for _, row in block.iterrows()}
            )
        runs.append(reps)
    return runs


def _unique_labels(names: Sequence[str]) -> list[str]:
    """Names made unique (``A``, ``A (2)``) for tables, files and plot legends."""
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return labels


@dataclass
class Comparison:
    """Scenarios run with common random numbers and their paired differences to the first."""

    results: list[RunResult]
    files: list[str]
    seed: int
    replications: int
    notes: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        """Scenario names in the order run, the baseline first."""
        return [r.scenario.name for r in self.results]

    @property
    def labels(self) -> list[str]:
        """The names made unique, so that columns and legends can tell scenarios apart."""
        return _unique_labels(self.names)

    @property
    def costs(self) -> bool:
        """Whether every scenario has a ``costs`` block: only then are euros compared."""
        return all(r.scenario.costs is not None for r in self.results)

    @property
    def currency(self) -> str:
        """The first scenario's currency label (``EUR`` without costs)."""
        costs = self.results[0].scenario.costs
        return costs.currency if costs is not None else "EUR"

    @property
    def keys(self) -> tuple[str, ...]:
        """The KPIs compared: spec A3's, then the optional ones every scenario has.

        The optional ones are the cost KPIs (only when every scenario has prices), in the order of
        the runs' summaries.
        """
        columns = [set(r.summary.columns) for r in self.results]
        extra = [
            k
            for k in self.results[0].summary.columns
            if k not in KPI_KEYS and k != "replication" and all(k in c for c in columns)
        ]
        return (*KPI_KEYS, *extra)

    def kpis(self) -> dict[str, list[float | None]]:
        """Mean per KPI and scenario; ``None`` where undefined, so the JSON holds no NaN."""
        return {k: [_finite(r.kpis.get(k)) for r in self.results] for k in self.keys}

    def ci95(self) -> dict[str, list[float | None]]:
        """95% CI half-width per KPI and scenario; ``None`` where undefined."""
        return {k: [_finite(r.ci95.get(k)) for r in self.results] for k in self.keys}

    def diff(self) -> dict[str, list[dict[str, float | None]]]:
        """``diff[k][i]``: scenario i+1 minus the first, paired over replications.

        With costs in every scenario the cost KPIs are differences in money, paired like the rest.
        """
        base = self.results[0].summary.sort_values("replication")
        out: dict[str, list[dict[str, float | None]]] = {}
        for key in self.keys:
            rows = []
            for other in self.results[1:]:
                o = other.summary.sort_values("replication")
                mean, ci = paired_difference(base[key].to_numpy(), o[key].to_numpy())
                rows.append({"mean": mean, "ci95": ci})
            out[key] = rows
        return out

    def by_reason(self) -> dict[str, dict[str, Any]]:
        """Per reason, its KPIs per scenario and their paired differences.

        See :func:`paired_breakdowns`; the reasons' KPIs are spec D1's ``by_reason`` keys
        (``cost`` when every scenario is priced).
        """
        return paired_breakdowns([r.by_reason_rows for r in self.results])

    def by_group(self) -> dict[str, dict[str, Any]]:
        """Per agent group (``agents`` for a single pool), as :meth:`by_reason`."""
        return paired_breakdowns([r.by_group_rows for r in self.results])

    def breakdown_frame(self, what: str) -> pd.DataFrame:
        """by_reason.csv (``what="reason"``) or by_group.csv: scenario x replication x name."""
        rows = [r.by_reason_rows if what == "reason" else r.by_group_rows for r in self.results]
        return breakdown_frame(self.labels, rows, what)

    def to_json(self) -> dict[str, Any]:
        """The object of spec A2b, plus each scenario's own CI, files, seed and notes.

        ``by_reason`` and ``by_group`` hold per reason (group) the same three objects
        (``kpis``, ``ci95``, ``diff``) restricted to it.
        """
        return {
            "scenarios": self.names,
            "kpis": self.kpis(),
            "diff": self.diff(),
            "ci95": self.ci95(),
            "by_reason": self.by_reason(),
            "by_group": self.by_group(),
            "files": self.files,
            "seed": self.seed,
            "replications": self.replications,
            **({"currency": self.currency} if self.costs else {}),
            "notes": self.notes,
        }

    def tidy(self) -> pd.DataFrame:
        """One row per scenario x replication with every KPI (compare.csv)."""
        frames = []
        for label, r in zip(self.labels, self.results, strict=True):
            s = r.summary.sort_values("replication")
            frames.append(s.assign(scenario=label)[["scenario", "replication", *self.keys]])
        return pd.concat(frames, ignore_index=True)

    def diff_table(self) -> pd.DataFrame:
        """One row per (other scenario, KPI): both means and the paired difference (diff.csv)."""
        kpis, diff = self.kpis(), self.diff()
        rows = []
        for i, label in enumerate(self.labels[1:], start=1):
            for key in self.keys:
                rows.append(
                    {
                        "scenario": label,
                        "baseline": self.labels[0],
                        "kpi": key,
                        "mean": kpis[key][i],
                        "baseline_mean": kpis[key][0],
                        "diff": diff[key][i - 1]["mean"],
                        "diff_ci95": diff[key][i - 1]["ci95"],
                    }
                )
        return pd.DataFrame(rows)


def compare(
    scenarios: Sequence[Scenario],
    files: Sequence[str] | None = None,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Comparison:
    """Run ``scenarios`` with common random numbers.

    Seed and replications default to the first scenario's, so the comparison is reproducible from
    the first file alone.
    """
    if len(scenarios) < 2:
        raise CompareError("compare needs at least two scenario files")
    n = scenarios[0].replications if replications is None else replications
    s = scenarios[0].seed if seed is None else seed
    results = run_paired(
        scenarios, replications=n, seed=s, workers=workers, progress=progress, keep_contacts=False
    )
    return Comparison(
        results=results,
        files=list(files) if files is not None else [sc.name for sc in scenarios],
        seed=s,
        replications=n,
        notes=structure_notes(scenarios, s),
    )


def check_out(out: Path, force: bool) -> None:
    """Refuse an --out folder before the runs, not after them (same rule as ``ccsim run``)."""
    if out.exists() and not out.is_dir():
        raise CompareError(f"{out}: exists and is not a folder; choose another --out")
    if not force and out.is_dir() and any(out.iterdir()):
        raise CompareError(
            f"{out}: folder exists and is not empty; choose another --out or give --force"
        )


def write_comparison(
    comparison: Comparison,
    out: Path,
    *,
    force: bool = False,
    write_png: Callable[[Path], object] | None = None,
) -> Path:
    """Write compare.csv, diff.csv, by_reason.csv, by_group.csv and compare.png into ``out``.

    Completely or not at all.

    ``write_png(path)`` draws compare.png (``present.study_figures.comparison_plot``): the study
    knows where it goes, the presentation layer how it looks.
    """
    out = Path(out)
    check_out(out, force)
    staging = staging_folder(out)
    try:
        comparison.tidy().to_csv(staging / COMPARE_CSV, index=False)
        comparison.diff_table().to_csv(staging / DIFF_CSV, index=False)
        comparison.breakdown_frame("reason").to_csv(staging / BY_REASON_CSV, index=False)
        comparison.breakdown_frame("group").to_csv(staging / BY_GROUP_CSV, index=False)
        if write_png is not None:
            write_png(staging / COMPARE_PNG)
        if out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out
