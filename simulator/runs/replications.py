"""Replications of a scenario, run through the executor and put back in replication order.

A replication depends only on (scenario, seed, replication number): its random streams are
derived from those three, which is what lets it keep the executor's determinism contract.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from simulator.engine.center import simulate
from simulator.errors import CcsimError
from simulator.results.catalogue import KPI_KEYS
from simulator.results.frames import contacts_frame
from simulator.results.kpis import (
    agent_table,
    conservation_errors,
    interval_table,
    journey_table,
    replication_kpis,
)
from simulator.results.statistics import summarise_columns
from simulator.runs.executor import run_tasks
from simulator.scenario.models import Scenario


class ConservationError(CcsimError):
    """A replication broke an invariant of spec A3: a bug in the model, never bad input."""


@dataclass
class Replication:
    """The tables of one replication."""

    replication: int
    kpis: dict[str, float]
    intervals: pd.DataFrame
    contacts: pd.DataFrame
    journeys: pd.DataFrame
    agents: pd.DataFrame


def run_replication(scenario: Scenario, replication: int, seed: int) -> Replication:
    """Simulate one replication and reduce its records to tables."""
    rec = simulate(scenario, replication, seed)
    journeys = journey_table(rec, scenario)
    kpis = replication_kpis(rec, scenario, journeys)
    broken = conservation_errors(kpis)
    if broken:
        raise ConservationError(
            f"replication {replication} of {scenario.name!r} broke conservation: "
            + "; ".join(broken)
        )
    return Replication(
        replication=replication,
        kpis=kpis,
        intervals=interval_table(rec, scenario),
        contacts=contacts_frame(rec, [r.name for r in scenario.reasons]),
        journeys=journeys,
        agents=agent_table(rec, scenario),
    )


@dataclass
class RunResult:
    """Replications of one scenario: per-replication tables and their summary."""

    scenario: Scenario
    seed: int
    replications: int
    summary: pd.DataFrame
    intervals: pd.DataFrame
    contacts: pd.DataFrame
    journeys: pd.DataFrame
    agents: pd.DataFrame
    kpis: dict[str, float | None]
    ci95: dict[str, float | None]

    def to_json(self) -> dict:
        """The object of spec A2 (``None`` where a KPI is undefined: JSON never holds NaN)."""
        return {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "replications": self.replications,
            "kpis": self.kpis,
            "ci95": self.ci95,
        }


def run(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Run ``replications`` replications (the scenario's unless given) of ``scenario``.

    ``workers`` local processes (default: one per core); the numbers do not depend on it.
    ``progress(done)`` is called after each finished replication, e.g. to move a progress bar.
    """
    n = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    tasks = {r: (scenario, r, seed) for r in range(n)}
    done = run_tasks(run_replication, tasks, workers=workers, progress=progress)
    return collect(scenario, seed, list(done.values()))


def collect(scenario: Scenario, seed: int, reps: list[Replication]) -> RunResult:
    """Stack replications (in replication order) and summarise them."""
    reps = sorted(reps, key=lambda r: r.replication)
    summary = pd.DataFrame(
        [{"replication": r.replication, **{k: r.kpis[k] for k in KPI_KEYS}} for r in reps]
    )
    means, ci95 = summarise_columns(summary, KPI_KEYS)
    return RunResult(
        scenario=scenario,
        seed=seed,
        replications=len(reps),
        summary=summary,
        intervals=pd.concat([r.intervals for r in reps], ignore_index=True),
        contacts=pd.concat([r.contacts for r in reps], ignore_index=True),
        journeys=pd.concat([r.journeys for r in reps], ignore_index=True),
        agents=pd.concat([r.agents for r in reps], ignore_index=True),
        kpis={k: _none_if_nan(v) for k, v in means.items()},
        ci95={k: _none_if_nan(v) for k, v in ci95.items()},
    )


def _none_if_nan(v: float | None) -> float | None:
    return None if v is None or math.isnan(v) else v
