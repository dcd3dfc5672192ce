"""Replications of a scenario, run through the executor and put back in replication order.

A replication depends only on (scenario, seed, replication number): its random streams are
derived from those three, which is what lets it keep the executor's determinism contract.

The per-contact and per-issue tables (``contacts``, ``journeys``) are the bulk of a run's memory:
a run that only needs KPIs and interval tables (sweeps, comparisons, staffing searches, a
``ccsim run`` without ``--out``) asks for ``keep_contacts=False`` and never builds them; the KPIs
do not depend on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.center import simulate
from simulator.errors import CcsimError
from simulator.results.breakdown import Breakdown, by_group, by_reason
from simulator.results.catalogue import kpi_keys
from simulator.results.columns import Columns, stack
from simulator.results.kpis import (
    agent_columns,
    conservation_errors,
    interval_columns,
    replication_kpis,
)
from simulator.results.statistics import summarise, summarise_columns
from simulator.runs.executor import run_in_order
from simulator.scenario.models import Scenario

if TYPE_CHECKING:
    import pandas as pd


class ConservationError(CcsimError):
    """A replication broke an invariant of spec A3: a bug in the model, never bad input."""


@dataclass
class Replication:
    """The tables of one replication (``contacts`` and ``journeys`` None unless kept).

    Intervals and agents stay numpy columns: they cross process boundaries and become frames only
    when someone reads them (see :mod:`simulator.results.columns`).
    """

    replication: int
    kpis: dict[str, float]
    intervals: Columns
    contacts: pd.DataFrame | None
    journeys: pd.DataFrame | None
    agents: Columns
    by_reason: Breakdown = field(default_factory=dict)
    by_group: Breakdown = field(default_factory=dict)


def run_replication(
    scenario: Scenario, replication: int, seed: int, keep_contacts: bool = True
) -> Replication:
    """Simulate one replication and reduce its records to tables.

    The records are dropped on return: only the tables travel back from a worker process.
    """
    rec = simulate(scenario, replication, seed)
    kpis = replication_kpis(rec, scenario)
    broken = conservation_errors(kpis)
    if broken:
        raise ConservationError(
            f"replication {replication} of {scenario.name!r} broke conservation: "
            + "; ".join(broken)
        )
    contacts = journeys = None
    if keep_contacts:
        from simulator.results.frames import contacts_frame
        from simulator.results.kpis import journey_table

        contacts = contacts_frame(rec, [r.name for r in scenario.reasons])
        journeys = journey_table(rec, scenario)
    return Replication(
        replication=replication,
        kpis=kpis,
        intervals=interval_columns(rec, scenario),
        contacts=contacts,
        journeys=journeys,
        agents=agent_columns(rec, scenario),
        by_reason=by_reason(rec, scenario, kpis),
        by_group=by_group(rec, scenario),
    )


@dataclass
class RunResult:
    """Replications of one scenario: per-replication tables and their summary.

    ``contacts`` and ``journeys`` are None for a run made with ``keep_contacts=False``. The
    ``summary``, ``intervals`` and ``agents`` frames are built (and pandas imported) on first
    use: a run that only prints its KPIs never needs them.
    """

    scenario: Scenario
    seed: int
    replications: int
    kpis: dict[str, float | None]
    ci95: dict[str, float | None]
    rows: list[dict[str, float]] = field(repr=False)  # the summary's rows
    contacts: pd.DataFrame | None
    journeys: pd.DataFrame | None
    interval_columns: list[Columns] = field(repr=False)
    agent_columns: list[Columns] = field(repr=False)
    # spec D1: per reason and per agent group, the mean over replications of each KPI, and
    # each replication's own (one dict per replication, in replication order)
    by_reason: dict[str, dict[str, float | None]] = field(default_factory=dict)
    by_group: dict[str, dict[str, float | None]] = field(default_factory=dict)
    by_reason_rows: list[Breakdown] = field(default_factory=list, repr=False)
    by_group_rows: list[Breakdown] = field(default_factory=list, repr=False)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """One row per replication: its number and every KPI."""
        import pandas as pd

        return pd.DataFrame(self.rows)

    @cached_property
    def intervals(self) -> pd.DataFrame:
        """The interval tables of the replications, one under the other."""
        return stack(self.interval_columns)

    @cached_property
    def agents(self) -> pd.DataFrame:
        """The agent tables of the replications, one under the other."""
        return stack(self.agent_columns)

    def to_json(self) -> dict:
        """The object of spec A2 (``None`` where a KPI is undefined: JSON never holds NaN)."""
        return {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "replications": self.replications,
            "kpis": self.kpis,
            "ci95": self.ci95,
            "by_reason": self.by_reason,
            "by_group": self.by_group,
            "currency": self.scenario.costs.currency if self.scenario.costs else None,
        }


def run(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    keep_contacts: bool = True,
    sink: Callable[[Replication], None] | None = None,
) -> RunResult:
    """Run ``replications`` replications (the scenario's unless given) of ``scenario``.

    ``workers`` local processes (default: one per core); the numbers do not depend on it.
    ``progress(done)`` is called after each finished replication, e.g. to move a progress bar.
    ``keep_contacts=False`` builds no ``contacts`` and ``journeys`` tables (same KPIs, a
    fraction of the memory) for callers that read only KPIs, intervals and agents. With a
    ``sink`` each replication's ``contacts`` and ``journeys`` go to it, in replication order, and
    are dropped: the run folder streams them to disk, so memory holds one replication's tables,
    not all of them (the result's ``contacts`` and ``journeys`` are then None).
    """
    n = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    tasks = {r: (scenario, r, seed, keep_contacts) for r in range(n)}
    reps = []
    for _, rep in run_in_order(run_replication, tasks, workers=workers, progress=progress):
        if sink is not None:
            sink(rep)
            rep.contacts = rep.journeys = None
        reps.append(rep)
    return collect(scenario, seed, reps)


def collect(scenario: Scenario, seed: int, reps: list[Replication]) -> RunResult:
    """Stack replications (in replication order) and summarise them."""
    reps = sorted(reps, key=lambda r: r.replication)
    costs = scenario.costs
    lost = costs is not None and costs.lost_customer is not None
    keys = kpi_keys(costs=costs is not None, lost=lost)
    rows = [{"replication": r.replication, **{k: r.kpis[k] for k in keys}} for r in reps]
    means, ci95 = summarise_columns(
        {k: np.array([row[k] for row in rows], dtype=np.float64) for k in keys}, keys
    )
    return RunResult(
        scenario=scenario,
        seed=seed,
        replications=len(reps),
        kpis={k: _none_if_nan(v) for k, v in means.items()},
        ci95={k: _none_if_nan(v) for k, v in ci95.items()},
        rows=rows,
        contacts=_stack([r.contacts for r in reps]),
        journeys=_stack([r.journeys for r in reps]),
        interval_columns=[r.intervals for r in reps],
        agent_columns=[r.agents for r in reps],
        by_reason=_mean_breakdown([r.by_reason for r in reps]),
        by_group=_mean_breakdown([r.by_group for r in reps]),
        by_reason_rows=[r.by_reason for r in reps],
        by_group_rows=[r.by_group for r in reps],
    )


def _mean_breakdown(reps: list[Breakdown]) -> dict[str, dict[str, float | None]]:
    """Per name and key, the mean over the replications where it is defined (None if none)."""
    if not reps:
        return {}
    return {
        name: {key: _none_if_nan(summarise([r[name][key] for r in reps]).mean) for key in values}
        for name, values in reps[0].items()
    }


def _stack(tables: list[pd.DataFrame | None]) -> pd.DataFrame | None:
    """The replications' tables one under the other; None when they were not kept.

    A single table is returned as it is: a copy would double the largest tables of a long run.
    """
    if any(t is None for t in tables):
        return None
    import pandas as pd

    return tables[0] if len(tables) == 1 else pd.concat(tables, ignore_index=True)


def _none_if_nan(v: float | None) -> float | None:
    return None if v is None or math.isnan(v) else v
